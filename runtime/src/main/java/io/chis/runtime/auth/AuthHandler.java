package io.chis.runtime.auth;

import io.chis.runtime.signing.SigningSecretRepository;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code POST /auth/register} and {@code POST /auth/login}. */
public class AuthHandler {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD_BYTES = 72; // bcrypt ignores anything longer

    record RegisterRequest(String email, String password, String firstName, String lastName) {}

    record LoginRequest(String email, String password) {}

    private final AccountRepository accounts;
    private final SigningSecretRepository signingSecrets;
    private final TokenService tokens;
    private final TransactionalOperator tx;
    private final BCryptPasswordEncoder passwords = new BCryptPasswordEncoder();
    // Compared against when the email is unknown, so both failures cost the same time.
    private final String unknownUserHash = passwords.encode("chis-unknown-user-password");

    public AuthHandler(
            AccountRepository accounts,
            SigningSecretRepository signingSecrets,
            TokenService tokens,
            TransactionalOperator tx) {
        this.accounts = accounts;
        this.signingSecrets = signingSecrets;
        this.tokens = tokens;
        this.tx = tx;
    }

    public Mono<ServerResponse> register(ServerRequest request) {
        return Json.body(request, RegisterRequest.class)
                .map(AuthHandler::validated)
                .flatMap(body -> Mono.fromCallable(() -> passwords.encode(body.password()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .map(hash -> new Account(
                                UUID.randomUUID(),
                                body.email(),
                                hash,
                                orEmpty(body.firstName()),
                                orEmpty(body.lastName()),
                                null)))
                .flatMap(account -> accounts.insert(account)
                        .flatMap(saved -> signingSecrets.create(saved.id()).thenReturn(saved))
                        .as(tx::transactional)
                        .switchIfEmpty(
                                Mono.error(() -> ApiException.conflict("an account with this email already exists"))))
                .flatMap(saved -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", saved.id());
                    body.put("email", saved.email());
                    body.put("firstName", saved.firstName());
                    body.put("lastName", saved.lastName());
                    body.put("createdAt", saved.createdAt());
                    return ServerResponse.status(HttpStatus.CREATED).bodyValue(body);
                });
    }

    public Mono<ServerResponse> login(ServerRequest request) {
        return Json.body(request, LoginRequest.class)
                .flatMap(body -> {
                    String email = Json.required(body.email(), "email");
                    String password = Json.required(body.password(), "password");
                    return accounts.findByEmail(email)
                            .map(java.util.Optional::of)
                            .defaultIfEmpty(java.util.Optional.empty())
                            .publishOn(Schedulers.boundedElastic())
                            .map(found -> {
                                boolean ok = passwords.matches(
                                        password,
                                        found.map(Account::passwordHash).orElse(unknownUserHash));
                                if (!ok || found.isEmpty()) {
                                    throw ApiException.unauthorized("invalid email or password");
                                }
                                return found.get();
                            });
                })
                .flatMap(account -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("token", tokens.issue(account));
                    body.put("tokenType", "Bearer");
                    body.put("expiresIn", TokenService.LIFETIME.toSeconds());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    private static RegisterRequest validated(RegisterRequest body) {
        String email = Json.required(body.email(), "email");
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            throw ApiException.badRequest("email is not a valid email address");
        }
        String password = body.password();
        if (password == null || password.length() < MIN_PASSWORD) {
            throw ApiException.badRequest("password must be at least " + MIN_PASSWORD + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw ApiException.badRequest("password must be at most " + MAX_PASSWORD_BYTES + " bytes");
        }
        return new RegisterRequest(email, password, body.firstName(), body.lastName());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s.trim();
    }
}
