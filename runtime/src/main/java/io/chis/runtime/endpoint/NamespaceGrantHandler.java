package io.chis.runtime.endpoint;

import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.Json;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /api/namespace-grants}: which namespaces' WebhookEndpoint resources may act for the signed-in account. */
public class NamespaceGrantHandler {

    record GrantRequest(String namespace) {}

    private final Authenticator auth;
    private final NamespaceGrants grants;

    public NamespaceGrantHandler(Authenticator auth, NamespaceGrants grants) {
        this.auth = auth;
        this.grants = grants;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account ->
                        Json.body(request, GrantRequest.class).flatMap(body -> grants.grant(account, body.namespace())))
                .flatMap(grant -> ServerResponse.status(HttpStatus.CREATED).bodyValue(grant));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> grants.list(account).collectList())
                .flatMap(list -> ServerResponse.ok().bodyValue(list));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String namespace = request.pathVariable("namespace");
        return auth.bearer(request)
                .flatMap(account -> grants.revoke(account, namespace))
                .flatMap(deleted -> deleted
                        ? ServerResponse.noContent().build()
                        : Mono.error(ApiException.notFound("no grant for namespace " + namespace)));
    }
}
