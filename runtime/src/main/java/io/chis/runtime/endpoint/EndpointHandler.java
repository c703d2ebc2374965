package io.chis.runtime.endpoint;

import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.support.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /api/endpoints}: an account's subscribers over REST (JWT). */
public class EndpointHandler {

    record EndpointBody(
            String name,
            String url,
            List<String> eventTypes,
            String policy,
            Map<String, String> headers,
            Boolean disabled) {

        EndpointDraft draft() {
            return new EndpointDraft(name, url, eventTypes, policy, headers, Boolean.TRUE.equals(disabled));
        }
    }

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
                .flatMap(endpoint -> ServerResponse.status(HttpStatus.CREATED).bodyValue(view(endpoint, true)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account ->
                        endpoints.list(account).map(e -> view(e, false)).collectList())
                .flatMap(list -> ServerResponse.ok().bodyValue(list));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints.get(account, id(request)))
                .flatMap(endpoint -> ServerResponse.ok().bodyValue(view(endpoint, true)));
    }

    public Mono<ServerResponse> replace(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> Json.body(request, EndpointBody.class)
                        .flatMap(body -> endpoints.replace(account, id(request), body.draft())))
                .flatMap(endpoint -> ServerResponse.ok().bodyValue(view(endpoint, true)));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints.delete(account, id(request)))
                .then(ServerResponse.noContent().build());
    }

    public Mono<ServerResponse> rotateSecret(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> endpoints.rotateSecret(account, id(request)))
                .flatMap(endpoint -> ServerResponse.ok().bodyValue(view(endpoint, true)));
    }

    private static UUID id(ServerRequest request) {
        return ApiKeyHandler.uuid(request.pathVariable("id"), "endpoint");
    }

    static Map<String, Object> view(Endpoint e, boolean withSecret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.id());
        body.put("name", e.name());
        body.put("url", e.url());
        body.put("eventTypes", e.eventTypes());
        if (withSecret) {
            body.put("secret", e.secret());
            if (e.previousSecret() != null) {
                body.put("previousSecret", e.previousSecret());
                body.put("previousValidUntil", e.previousValidUntil());
            }
        }
        body.put("policy", e.policy());
        body.put("headers", e.headers());
        body.put("disabled", e.disabled());
        body.put("disabledReason", e.disabledReason());
        body.put("managedBy", e.ref() == null ? null : "WebhookEndpoint " + e.ref());
        body.put("createdAt", e.createdAt());
        return body;
    }
}
