package io.chis.runtime.signing;

import io.chis.runtime.auth.AccountRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The per-account secret that signs ad-hoc URL sends; rotation keeps the old secret valid for a while. */
@Repository
public class SigningSecretRepository {

    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

    /** The current secret and, while still valid, the previous one. */
    public record SigningSecret(String secret, String previousSecret, Instant previousValidUntil) {}

    private final DatabaseClient db;

    public SigningSecretRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> create(UUID accountId) {
        return db.sql("insert into signing_secrets (account_id, secret) values (:account, :secret)")
                .bind("account", accountId)
                .bind("secret", io.chis.common.SigningSecret.generate())
                .then();
    }

    public Mono<SigningSecret> find(UUID accountId) {
        return db.sql("""
                        select secret,
                               case when previous_valid_until > now() then previous_secret end as previous_secret,
                               case when previous_valid_until > now() then previous_valid_until end as previous_valid_until
                        from signing_secrets where account_id = :account""")
                .bind("account", accountId)
                .map(row -> new SigningSecret(
                        row.get("secret", String.class),
                        row.get("previous_secret", String.class),
                        AccountRepository.instant(row, "previous_valid_until")))
                .one();
    }

    public Mono<SigningSecret> rotate(UUID accountId) {
        return db.sql("""
                        update signing_secrets
                        set previous_secret = secret, previous_valid_until = now() + make_interval(secs => :overlap),
                            secret = :secret, rotated_at = now()
                        where account_id = :account
                        returning secret, previous_secret, previous_valid_until""")
                .bind("account", accountId)
                .bind("secret", io.chis.common.SigningSecret.generate())
                .bind("overlap", (double) ROTATION_OVERLAP.toSeconds())
                .map(row -> new SigningSecret(
                        row.get("secret", String.class),
                        row.get("previous_secret", String.class),
                        AccountRepository.instant(row, "previous_valid_until")))
                .one();
    }
}
