package io.chis.runtime.signing;

import io.chis.runtime.auth.Authenticator;
import java.util.LinkedHashMap;
import java.util.Map;
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
        return auth.bearer(request).flatMap(secrets::find).flatMap(SigningSecretHandler::render);
    }

    public Mono<ServerResponse> rotate(ServerRequest request) {
        return auth.bearer(request).flatMap(secrets::rotate).flatMap(SigningSecretHandler::render);
    }

    private static Mono<ServerResponse> render(SigningSecretRepository.SigningSecret secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("secret", secret.secret());
        if (secret.previousSecret() != null) {
            body.put("previousSecret", secret.previousSecret());
            body.put("previousValidUntil", secret.previousValidUntil());
        }
        return ServerResponse.ok().bodyValue(body);
    }
}
