package io.chis.runtime.apikey;

import io.chis.runtime.auth.AccountRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class ApiKeyRepository {

    // Every send authenticates: a verified key is remembered briefly instead of read again. Revoking through this
    // process forgets it at once (also a lookup racing the revocation); another api replica's revocation takes
    // effect within VERIFIED_FOR.
    static final Duration VERIFIED_FOR = Duration.ofSeconds(5);
    private static final int MAX_VERIFIED = 10_000;

    private record Verified(UUID keyId, UUID accountId, long untilNanos) {}

    private record ActiveKey(UUID keyId, UUID accountId, Instant lastUsedAt) {}

    private final DatabaseClient db;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    // bumped after each revocation commits: a lookup that started before it must not cache what it read
    private final AtomicLong revocations = new AtomicLong();

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
                .doOnNext(revoked -> {
                    revocations.incrementAndGet();
                    verified.values().removeIf(v -> v.keyId().equals(keyId));
                });
    }

    /** The account owning an active key; empty for unknown or revoked keys. */
    public Mono<UUID> accountFor(String key) {
        byte[] hash = hash(key);
        String cacheKey = Base64.getEncoder().encodeToString(hash);
        Verified known = verified.get(cacheKey);
        if (known != null && known.untilNanos() - System.nanoTime() > 0) return Mono.just(known.accountId());
        long revocationsSeen = revocations.get();
        return db.sql("select id, account_id, last_used_at from api_keys where key_hash = :hash and revoked_at is null")
                .bind("hash", hash)
                .map(row -> new ActiveKey(
                        row.get("id", UUID.class),
                        row.get("account_id", UUID.class),
                        AccountRepository.instant(row, "last_used_at")))
                .one()
                .flatMap(found -> touch(found.keyId(), found.lastUsedAt()).thenReturn(found))
                .map(found -> {
                    if (verified.size() >= MAX_VERIFIED) verified.clear();
                    verified.put(
                            cacheKey,
                            new Verified(found.keyId(), found.accountId(), System.nanoTime() + VERIFIED_FOR.toNanos()));
                    // a revocation committed meanwhile may have read the cache before this entry: drop it again
                    if (revocations.get() != revocationsSeen) verified.remove(cacheKey);
                    return found.accountId();
                });
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
