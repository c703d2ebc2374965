package io.chis.runtime.endpoint;

import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /api/endpoints}: an account's subscribers over REST (JWT). */
public class EndpointHandler {

    record EndpointBody(
            String name,
            String url,
            List<String> eventTypes,
            String policy,
            Map<String, String> headers,
            Boolean disabled,
            String ordering,
            JsonNode filter) {

        EndpointDraft draft() {
            return new EndpointDraft(
                    name,
                    url,
                    eventTypes,
                    policy,
                    headers,
                    Boolean.TRUE.equals(disabled),
                    ordering,
                    filter == null || filter.isNull() ? null : filter.toString());
        }
    }

    record TestFilterBody(String eventType, JsonNode payload) {}

    record FilterResult(boolean matches) {}

    private final Authenticator auth;
    private final EndpointService endpoints;

    public EndpointHandler(Authenticator auth, EndpointService endpoints) {
        this.auth = auth;
        this.endpoints = endpoints;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account ->
                        Json.body(request, EndpointBody.class).flatMap(body -> endpoints.create(account, body.draft())))
                .flatMap(endpoint ->
                        ServerResponse.status(HttpStatus.CREATED).bodyValue(EndpointView.of(endpoint, true)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints
                        .list(account)
                        .map(e -> EndpointView.of(e, false))
                        .collectList())
                .flatMap(list -> ServerResponse.ok().bodyValue(list));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints.get(account, id(request)))
                .flatMap(endpoint -> endpoints.health(endpoint.id()).map(h -> EndpointView.of(endpoint, true, h)))
                .flatMap(view -> ServerResponse.ok().bodyValue(view));
    }

    public Mono<ServerResponse> replace(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> Json.body(request, EndpointBody.class)
                        .flatMap(body -> endpoints.replace(account, id(request), body.draft())))
                .flatMap(endpoint -> ServerResponse.ok().bodyValue(EndpointView.of(endpoint, true)));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints.delete(account, id(request)))
                .then(ServerResponse.noContent().build());
    }

    public Mono<ServerResponse> rotateSecret(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints.rotateSecret(account, id(request)))
                .flatMap(endpoint -> ServerResponse.ok().bodyValue(EndpointView.of(endpoint, true)));
    }

    /** Whether a message with this event type and payload would go to the endpoint (its eventTypes and filter). */
    public Mono<ServerResponse> testFilter(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account ->
                        endpoints.get(account, id(request)).zipWith(Json.body(request, TestFilterBody.class)))
                .flatMap(found -> {
                    TestFilterBody body = found.getT2();
                    String eventType = Json.required(body.eventType(), "eventType");
                    if (body.payload() == null) return Mono.error(ApiException.badRequest("payload is required"));
                    return ServerResponse.ok()
                            .bodyValue(new FilterResult(found.getT1().accepts(eventType, body.payload())));
                });
    }

    private static UUID id(ServerRequest request) {
        return ApiKeyHandler.uuid(request.pathVariable("id"), "endpoint");
    }
}
