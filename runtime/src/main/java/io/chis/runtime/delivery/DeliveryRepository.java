package io.chis.runtime.delivery;

import static io.chis.runtime.auth.AccountRepository.instant;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL of the delivery pipeline: claiming a delivery, recording an attempt, sweeping for lost work. */
@Repository
public class DeliveryRepository {

    /** A delivery a worker holds until {@code lock} is released or its lease runs out, with what it needs to send it. */
    public record Claimed(UUID id, UUID messageId, UUID accountId, String url, UUID endpointId, int attemptCount,
            int retryBase, byte[] payload, UUID lock) {

        /** Failed attempts since the schedule last (re)started, counting the attempt about to be made. */
        public int attemptsSinceReplay() {
            return attemptCount + 1 - retryBase;
        }
    }

    /** One attempt's facts, as they go into {@code delivery_attempts}. */
    public record AttemptRecord(Instant at, Integer statusCode, long durationMs, String error, String responseBody) {}

    /** A delivery put back on the queue by the sweep. */
    public record Requeued(UUID id, UUID messageId) {}

    private final DatabaseClient db;

    public DeliveryRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Takes a delivery for one attempt, if it is due and nobody holds it (or the holder's lease ran out). The
     * condition makes duplicate stream entries harmless: only one claim wins, the rest find nothing.
     */
    public Mono<Claimed> claim(UUID id, Duration lease) {
        UUID lock = UUID.randomUUID();
        return db.sql("""
                        update deliveries d
                        set status = 'delivering', locked_until = now() + make_interval(secs => :lease),
                            locked_by = :lock, updated_at = now()
                        from messages m
                        where d.id = :id and m.id = d.message_id
                          and ((d.status in ('pending', 'retrying') and (d.next_attempt_at is null or d.next_attempt_at <= now()))
                               or (d.status = 'delivering' and d.locked_until < now()))
                        returning d.message_id, d.account_id, d.url, d.endpoint_id, d.attempt_count, d.retry_base, m.payload""")
                .bind("id", id)
                .bind("lease", lease.toMillis() / 1000.0)
                .bind("lock", lock)
                .map(row -> new Claimed(id, row.get("message_id", UUID.class), row.get("account_id", UUID.class),
                        row.get("url", String.class), row.get("endpoint_id", UUID.class),
                        row.get("attempt_count", Integer.class), row.get("retry_base", Integer.class),
                        row.get("payload", byte[].class), lock))
                .one();
    }

    /** When a waiting delivery is due, if it is waiting for a later time (a stream entry that came early). */
    public Mono<Instant> dueLater(UUID id) {
        return db.sql("""
                        select next_attempt_at from deliveries
                        where id = :id and status in ('pending', 'retrying') and next_attempt_at > now()""")
                .bind("id", id)
                .map(row -> instant(row, "next_attempt_at"))
                .one();
    }

    /**
     * Records the attempt and moves the delivery to {@code status} (retrying after {@code delay}), releasing the
     * claim. Returns when the next attempt is due (epoch for final states), or empty when the claim was lost.
     */
    public Mono<Instant> record(Claimed claimed, AttemptRecord attempt, String status, Duration delay) {
        var update = db.sql("""
                        update deliveries
                        set status = :status, attempt_count = attempt_count + 1,
                            next_attempt_at = case when :status = 'retrying' then now() + make_interval(secs => :delay) end,
                            locked_until = null, locked_by = null, updated_at = now()
                        where id = :id and status = 'delivering' and locked_by = :lock
                        returning attempt_count, next_attempt_at""")
                .bind("status", status)
                .bind("delay", delay == null ? 0.0 : delay.toMillis() / 1000.0)
                .bind("id", claimed.id())
                .bind("lock", claimed.lock())
                .map(row -> new Object[] {row.get("attempt_count", Integer.class), instant(row, "next_attempt_at")})
                .one();
        return update.flatMap(row -> {
            var insert = db.sql("""
                            insert into delivery_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response_body)
                            values (:delivery, :attempt, :at, :statusCode, :durationMs, :error, :body)""")
                    .bind("delivery", claimed.id())
                    .bind("attempt", row[0])
                    .bind("at", OffsetDateTime.ofInstant(attempt.at(), ZoneOffset.UTC))
                    .bind("durationMs", attempt.durationMs());
            insert = attempt.statusCode() == null ? insert.bindNull("statusCode", Integer.class) : insert.bind("statusCode", attempt.statusCode());
            insert = attempt.error() == null ? insert.bindNull("error", String.class) : insert.bind("error", attempt.error());
            insert = attempt.responseBody() == null ? insert.bindNull("body", String.class) : insert.bind("body", attempt.responseBody());
            Instant next = row[1] == null ? Instant.EPOCH : (Instant) row[1];
            return insert.then().thenReturn(next);
        });
    }

    /**
     * Gives the claim back without an attempt, due again after {@code delay} (a rate-limited endpoint's later slot).
     * Returns the new due time, or empty when the claim was lost.
     */
    public Mono<Instant> release(Claimed claimed, Duration delay) {
        return db.sql("""
                        update deliveries
                        set status = case when attempt_count = retry_base then 'pending' else 'retrying' end,
                            next_attempt_at = now() + make_interval(secs => :delay),
                            locked_until = null, locked_by = null, updated_at = now()
                        where id = :id and status = 'delivering' and locked_by = :lock
                        returning next_attempt_at""")
                .bind("delay", delay.toMillis() / 1000.0)
                .bind("id", claimed.id())
                .bind("lock", claimed.lock())
                .map(row -> instant(row, "next_attempt_at"))
                .one();
    }

    /**
     * Finds work that Redis lost: deliveries due longer than {@code grace} ago, and deliveries whose worker's lease
     * ran out. Marks them due now (so the next sweep waits another grace period) and returns them. Rows another
     * scheduler is sweeping are skipped, so schedulers side by side never queue the same rows twice.
     */
    public Flux<Requeued> sweep(Duration grace, int limit) {
        return db.sql("""
                        with stuck as (
                          select id from deliveries
                          where (status in ('pending', 'retrying') and next_attempt_at < now() - make_interval(secs => :grace))
                             or (status = 'delivering' and locked_until < now())
                          order by next_attempt_at
                          limit :limit
                          for update skip locked
                        )
                        update deliveries d
                        set status = case when d.status <> 'delivering' then d.status
                                          when d.attempt_count = d.retry_base then 'pending'
                                          else 'retrying' end,
                            next_attempt_at = now(), locked_until = null, locked_by = null, updated_at = now()
                        from stuck where d.id = stuck.id
                        returning d.id, d.message_id""")
                .bind("grace", grace.toMillis() / 1000.0)
                .bind("limit", limit)
                .map(row -> new Requeued(row.get("id", UUID.class), row.get("message_id", UUID.class)))
                .all();
    }

    /** How long the longest-waiting due delivery has waited; zero when none is waiting. */
    public Mono<Duration> oldestDueAge() {
        return db.sql("""
                        select coalesce(extract(epoch from now() - min(next_attempt_at)), 0)::float8 as age
                        from deliveries where status in ('pending', 'retrying') and next_attempt_at <= now()""")
                .map(row -> Duration.ofMillis(Math.round(row.get("age", Double.class) * 1000)))
                .one();
    }
}
