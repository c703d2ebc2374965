package io.chis.runtime.signing;

import io.chis.runtime.auth.Authenticator;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code GET /api/signing-secret} and {@code POST /api/signing-secret/rotate}. */
public class SigningSecretHandler {

    private final Authenticator auth;
    private final SigningSecretRepository secrets;

    public SigningSecretHandler(Authenticator auth, SigningSecretRepository secrets) {
        this.auth = auth;
        this.secrets = secrets;
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(secrets::find)
                .flatMap(secret -> ServerResponse.ok().bodyValue(secret));
    }

    public Mono<ServerResponse> rotate(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(secrets::rotate)
                .flatMap(secret -> ServerResponse.ok().bodyValue(secret));
    }
}
