package io.chis.runtime.apikey;

import io.chis.runtime.auth.AccountRepository;
import io.chis.runtime.support.RecentLookups;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class ApiKeyRepository {

    // Every send authenticates: a verified key is remembered briefly instead of read again. Revoking through this
    // process forgets every key at once (also a lookup racing the revocation); another api replica's revocation takes
    // effect within VERIFIED_FOR. Unknown keys are not remembered: they would only crowd out the real ones.
    static final Duration VERIFIED_FOR = Duration.ofSeconds(5);
    private static final int MAX_VERIFIED = 10_000;

    private record ActiveKey(UUID keyId, UUID accountId, Instant lastUsedAt) {}

    private final DatabaseClient db;
    private final RecentLookups<String, UUID> verified = new RecentLookups<>(VERIFIED_FOR, MAX_VERIFIED, false);

    public ApiKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<ApiKey> insert(UUID accountId, String name, String key) {
        return db.sql("""
                        insert into api_keys (id, account_id, name, key_hash, key_prefix)
                        values (:id, :account, :name, :hash, :prefix)
                        returning id, name, key_prefix, created_at, last_used_at, revoked_at""")
                .bind("id", UUID.randomUUID())
                .bind("account", accountId)
                .bind("name", name)
                .bind("hash", hash(key))
                .bind("prefix", key.substring(0, Math.min(12, key.length())))
                .map(ApiKeyRepository::apiKey)
                .one();
    }

    public Flux<ApiKey> list(UUID accountId) {
        return db.sql("""
                        select id, name, key_prefix, created_at, last_used_at, revoked_at
                        from api_keys where account_id = :account order by created_at, id""")
                .bind("account", accountId)
                .map(ApiKeyRepository::apiKey)
                .all();
    }

    /** True when the key existed, belonged to the account and was active. */
    public Mono<Boolean> revoke(UUID accountId, UUID keyId) {
        return db.sql(
                        "update api_keys set revoked_at = now() where id = :id and account_id = :account and revoked_at is null")
                .bind("id", keyId)
                .bind("account", accountId)
                .fetch()
                .rowsUpdated()
                .map(count -> count > 0)
                // rare enough that forgetting every key costs less than tracking which entry holds this one
                .doOnNext(revoked -> verified.forgetAll());
    }

    /** The account owning an active key; empty for unknown or revoked keys. */
    public Mono<UUID> accountFor(String key) {
        byte[] hash = hash(key);
        return verified.get(
                Base64.getEncoder().encodeToString(hash),
                k -> db.sql(
                                "select id, account_id, last_used_at from api_keys where key_hash = :hash and revoked_at is null")
                        .bind("hash", hash)
                        .map(row -> new ActiveKey(
                                row.get("id", UUID.class),
                                row.get("account_id", UUID.class),
                                AccountRepository.instant(row, "last_used_at")))
                        .one()
                        .flatMap(found ->
                                touch(found.keyId(), found.lastUsedAt()).thenReturn(found.accountId())));
    }

    // last_used_at is written at most once a minute per key, to keep sends free of a write per request.
    private Mono<Void> touch(UUID keyId, Instant lastUsed) {
        if (lastUsed != null && lastUsed.isAfter(Instant.now().minus(1, ChronoUnit.MINUTES))) return Mono.empty();
        return db.sql("update api_keys set last_used_at = now() where id = :id")
                .bind("id", keyId)
                .then();
    }

    private static ApiKey apiKey(io.r2dbc.spi.Readable row) {
        return new ApiKey(
                row.get("id", UUID.class),
                row.get("name", String.class),
                row.get("key_prefix", String.class),
                AccountRepository.instant(row, "created_at"),
                AccountRepository.instant(row, "last_used_at"),
                AccountRepository.instant(row, "revoked_at"));
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
