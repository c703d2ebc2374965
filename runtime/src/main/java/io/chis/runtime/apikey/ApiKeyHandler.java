package io.chis.runtime.apikey;

import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** API keys: created (shown once), listed without secrets, revoked. */
public class ApiKeyHandler {

    static final String KEY_PREFIX = "chis_";

    record CreateRequest(String name) {}

    private final Authenticator auth;
    private final ApiKeyRepository keys;

    public ApiKeyHandler(Authenticator auth, ApiKeyRepository keys) {
        this.auth = auth;
        this.keys = keys;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> request.bodyToMono(CreateRequest.class)
                        .map(body -> body.name() == null || body.name().isBlank()
                                ? "default"
                                : body.name().trim())
                        .defaultIfEmpty("default")
                        .flatMap(name -> {
                            if (name.length() > 100)
                                return Mono.error(ApiException.badRequest("name must be at most 100 characters"));
                            String key = KEY_PREFIX + Secrets.randomUrlToken(32);
                            return keys.insert(account, name, key).flatMap(saved -> {
                                Map<String, Object> body = new LinkedHashMap<>();
                                body.put("id", saved.id());
                                body.put("name", saved.name());
                                body.put("apiKey", key);
                                body.put("createdAt", saved.createdAt());
                                return ServerResponse.status(HttpStatus.CREATED).bodyValue(body);
                            });
                        }));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> keys.list(account)
                        .map(key -> {
                            Map<String, Object> view = new LinkedHashMap<>();
                            view.put("id", key.id());
                            view.put("name", key.name());
                            view.put("prefix", key.prefix());
                            view.put("createdAt", key.createdAt());
                            view.put("lastUsedAt", key.lastUsedAt());
                            view.put("revokedAt", key.revokedAt());
                            return view;
                        })
                        .collectList()
                        .flatMap(list -> ServerResponse.ok().bodyValue(list)));
    }

    public Mono<ServerResponse> revoke(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> keys.revoke(account, uuid(request.pathVariable("id"), "API key")))
                .flatMap(revoked -> revoked
                        ? ServerResponse.noContent().build()
                        : Mono.error(ApiException.notFound("no active API key with this id")));
    }

    public static UUID uuid(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no " + what + " with id '" + value + "'");
        }
    }
}
