package io.chis.runtime.auth;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.Json;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code POST /auth/register} and {@code POST /auth/login}. */
public class AuthHandler {

    record RegisterRequest(String email, String password, String firstName, String lastName) {}

    record LoginRequest(String email, String password) {}

    record PasswordChange(String currentPassword, String newPassword) {}

    private final AccountService accounts;
    private final TokenService tokens;
    private final AuthThrottle throttle;
    private final Authenticator auth;
    private final boolean registrationOpen;

    public AuthHandler(
            AccountService accounts,
            TokenService tokens,
            AuthThrottle throttle,
            Authenticator auth,
            ChisSettings settings) {
        this.accounts = accounts;
        this.auth = auth;
        this.tokens = tokens;
        this.throttle = throttle;
        this.registrationOpen = settings.security().registrationOpen();
    }

    public Mono<ServerResponse> register(ServerRequest request) {
        if (!registrationOpen) {
            return Mono.error(
                    ApiException.forbidden("registration is closed on this platform (CHIS_REGISTRATION=closed):"
                            + " ask its operator for an account"));
        }
        return throttle.admitAddress(request)
                .then(Json.body(request, RegisterRequest.class))
                .flatMap(body -> {
                    AccountService.checkEmail(body.email());
                    return throttle.admitEmail(body.email())
                            .then(throttle.failed(body.email())) // each attempt on one e-mail counts
                            .then(accounts.create(body.email(), body.password(), body.firstName(), body.lastName()));
                })
                .flatMap(saved -> ServerResponse.status(HttpStatus.CREATED).bodyValue(AccountView.of(saved)));
    }

    public Mono<ServerResponse> login(ServerRequest request) {
        return throttle.admitAddress(request)
                .then(Json.body(request, LoginRequest.class))
                .flatMap(body -> {
                    String email = Json.required(body.email(), "email");
                    String password = Json.required(body.password(), "password");
                    if (email.length() > AccountService.MAX_EMAIL
                            || password.getBytes(StandardCharsets.UTF_8).length > AccountService.MAX_PASSWORD_BYTES) {
                        return Mono.error(ApiException.unauthorized("invalid email or password"));
                    }
                    return throttle.admitEmail(email)
                            .then(accounts.verify(email, password))
                            .switchIfEmpty(throttle.failed(email)
                                    .then(Mono.error(() -> ApiException.unauthorized("invalid email or password"))));
                })
                .flatMap(account -> ServerResponse.ok().bodyValue(TokenResponse.bearer(tokens.issue(account))));
    }

    /** {@code POST /auth/logout}: every JWT of the account issued so far stops working. */
    public Mono<ServerResponse> logout(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(accounts::revokeTokens)
                .then(ServerResponse.noContent().build());
    }

    /** {@code POST /auth/password}: a new password; older JWTs stop working, the answer carries a fresh one. */
    public Mono<ServerResponse> changePassword(ServerRequest request) {
        return auth.bearer(request)
                .flatMap(account -> Json.body(request, PasswordChange.class)
                        .flatMap(body -> accounts.changePassword(
                                account, Json.required(body.currentPassword(), "currentPassword"), body.newPassword())))
                .flatMap(account -> ServerResponse.ok().bodyValue(TokenResponse.bearer(tokens.issue(account))));
    }
}
