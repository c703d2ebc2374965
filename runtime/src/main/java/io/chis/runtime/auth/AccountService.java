package io.chis.runtime.auth;

import io.chis.runtime.signing.SigningSecretRepository;
import io.chis.runtime.support.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Creates accounts, for all three ways in: {@code POST /auth/register}, {@code chis-runtime.jar account create} and the
 * admin API's {@code CreateAccount}; and checks passwords.
 */
@Service
public class AccountService {

    static final int MAX_EMAIL = 254;
    static final int MAX_NAME = 100;
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD_BYTES = 72; // bcrypt ignores anything longer
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final BCryptPasswordEncoder PASSWORDS = new BCryptPasswordEncoder();
    // Compared against when the email is unknown, so both failures cost the same time.
    private static final String UNKNOWN_USER_HASH = PASSWORDS.encode("chis-unknown-user-password");

    private final AccountRepository accounts;
    private final SigningSecretRepository signingSecrets;
    private final TransactionalOperator tx;

    public AccountService(
            AccountRepository accounts, SigningSecretRepository signingSecrets, TransactionalOperator tx) {
        this.accounts = accounts;
        this.signingSecrets = signingSecrets;
        this.tx = tx;
    }

    /** The new account with its signing secret; 400 saying which field is wrong, 409 when the email is taken. */
    public Mono<Account> create(String email, String password, String firstName, String lastName) {
        return Mono.fromCallable(() -> {
                    checkEmail(email);
                    checkPassword(password, "password");
                    return new Account(
                            UUID.randomUUID(),
                            email.trim(),
                            PASSWORDS.encode(password),
                            name(firstName, "firstName"),
                            name(lastName, "lastName"),
                            null);
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(account -> accounts.insert(account)
                        .flatMap(saved -> signingSecrets.create(saved.id()).thenReturn(saved))
                        .as(tx::transactional)
                        .switchIfEmpty(
                                Mono.error(() -> ApiException.conflict("an account with this email already exists"))));
    }

    /** The account when the password is its own; empty otherwise, after the same bcrypt work either way. */
    public Mono<Account> verify(String email, String password) {
        return accounts.findByEmail(email)
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .publishOn(Schedulers.boundedElastic())
                .flatMap(found -> {
                    boolean ok = PASSWORDS.matches(
                            password, found.map(Account::passwordHash).orElse(UNKNOWN_USER_HASH));
                    return ok ? Mono.justOrEmpty(found) : Mono.empty();
                });
    }

    /** Signs the account out everywhere: its JWTs issued so far are refused. */
    public Mono<Account> revokeTokens(java.util.UUID accountId) {
        return accounts.revokeTokens(accountId, null);
    }

    /** 403 when the current password is wrong; the account with its new token version otherwise. */
    public Mono<Account> changePassword(java.util.UUID accountId, String currentPassword, String newPassword) {
        return Mono.fromRunnable(() -> checkPassword(newPassword, "newPassword"))
                .then(accounts.findById(accountId))
                .switchIfEmpty(Mono.error(() -> ApiException.unauthorized("the account no longer exists")))
                .flatMap(account -> verify(account.email(), currentPassword))
                .switchIfEmpty(
                        Mono.error(() -> ApiException.forbidden("currentPassword is not this account's password")))
                .publishOn(Schedulers.boundedElastic())
                .flatMap(account -> accounts.revokeTokens(account.id(), PASSWORDS.encode(newPassword)));
    }

    static void checkEmail(String email) {
        if (email == null || email.isBlank()) throw ApiException.badRequest("email is required");
        if (email.length() > MAX_EMAIL) {
            throw ApiException.badRequest("email must be at most " + MAX_EMAIL + " characters");
        }
        if (!EMAIL.matcher(email.trim()).matches()) {
            throw ApiException.badRequest("email is not a valid email address");
        }
    }

    static void checkPassword(String password, String field) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw ApiException.badRequest(field + " must be at least " + MIN_PASSWORD + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw ApiException.badRequest(field + " must be at most " + MAX_PASSWORD_BYTES + " bytes");
        }
    }

    private static String name(String value, String field) {
        String name = value == null ? "" : value.trim();
        if (name.length() > MAX_NAME) {
            throw ApiException.badRequest(field + " must be at most " + MAX_NAME + " characters");
        }
        return name;
    }
}
