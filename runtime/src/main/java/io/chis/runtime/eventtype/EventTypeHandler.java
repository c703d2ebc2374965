package io.chis.runtime.eventtype;

import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.support.Json;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /api/event-types}: an account's event-type catalog over REST (JWT). */
public class EventTypeHandler {

    record EventTypeBody(String description, JsonNode schema) {

        /** The schema as compact JSON text; absent or {@code null} means none. */
        String schemaText() {
            return schema == null || schema.isNull() || schema.isMissingNode() ? null : schema.toString();
        }
    }

    private final Authenticator auth;
    private final EventTypeCatalog catalog;

    public EventTypeHandler(Authenticator auth, EventTypeCatalog catalog) {
        this.auth = auth;
        this.catalog = catalog;
    }

    public Mono<ServerResponse> put(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> Json.body(request, EventTypeBody.class)
                        .flatMap(body -> catalog.put(account, name(request), body.description(), body.schemaText())))
                .flatMap(type -> ServerResponse.ok().bodyValue(EventTypeView.of(type)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> catalog.list(account).map(EventTypeView::of).collectList())
                .flatMap(list -> ServerResponse.ok().bodyValue(list));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> catalog.get(account, name(request)))
                .flatMap(type -> ServerResponse.ok().bodyValue(EventTypeView.of(type)));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> catalog.delete(account, name(request)))
                .then(ServerResponse.noContent().build());
    }

    private static String name(ServerRequest request) {
        return request.pathVariable("name");
    }
}
