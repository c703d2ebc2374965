package io.chis.runtime.auth;

import io.chis.runtime.apikey.ApiKeyRepository;
import io.chis.runtime.support.ApiException;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/** Resolves the calling account from a Bearer JWT or an {@code X-API-Key}. */
public class Authenticator {

    public static final String API_KEY_HEADER = "X-API-Key";

    private final TokenService tokens;
    private final ApiKeyRepository apiKeys;
    private final AccountRepository accounts;

    public Authenticator(TokenService tokens, ApiKeyRepository apiKeys, AccountRepository accounts) {
        this.tokens = tokens;
        this.apiKeys = apiKeys;
        this.accounts = accounts;
    }

    public Mono<UUID> bearer(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.error(ApiException.unauthorized("missing Authorization: Bearer <token> header"));
        }
        // a JWT issued before the account's last logout or password change no longer counts
        return Mono.fromCallable(() -> tokens.verify(header.substring(7).trim()))
                .flatMap(subject -> accounts.tokenVersion(subject.accountId())
                        .filter(version -> version == subject.tokenVersion())
                        .map(version -> subject.accountId()))
                .switchIfEmpty(Mono.error(() ->
                        ApiException.unauthorized("token revoked (signed out or password changed); log in again")));
    }

    public Mono<UUID> apiKey(ServerRequest request) {
        String key = request.headers().firstHeader(API_KEY_HEADER);
        if (key == null || key.isBlank()) {
            return Mono.error(ApiException.unauthorized("missing " + API_KEY_HEADER + " header"));
        }
        return apiKeys.accountFor(key.trim())
                .switchIfEmpty(Mono.error(() -> ApiException.unauthorized("unknown or revoked API key")));
    }

    /** Routes that accept either credential: the API key wins when both are present. */
    public Mono<UUID> apiKeyOrBearer(ServerRequest request) {
        return request.headers().firstHeader(API_KEY_HEADER) != null ? apiKey(request) : bearer(request);
    }
}
