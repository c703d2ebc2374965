package io.chis.runtime.recovery;

import static io.chis.runtime.auth.AccountRepository.instant;

import io.chis.runtime.persist.MessageRepository;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for bulk recoveries: starting one, finding the next to run, and re-queuing one batch of its window. */
@Repository
public class RecoveryRepository {

    private static final String COLUMNS = """
            id, account_id, endpoint_id, since, until, status, matched, requeued, after_created_at, after_id,
            started_at, finished_at""";
    // what a delivery must be to belong to a recovery's window
    private static final String IN_WINDOW = """
            account_id = :account and status = 'dead' and created_at >= :since and created_at < :until
            and (:endpoint::uuid is null or endpoint_id = :endpoint)""";

    /** A delivery a batch put back to pending. */
    public record Requeued(UUID id, UUID messageId) {}

    private final DatabaseClient db;

    public RecoveryRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Serialises starts for one account until the transaction ends, so overlap checks cannot race. */
    Mono<Void> lockAccount(UUID accountId) {
        return db.sql("select pg_advisory_xact_lock(hashtextextended('chis.recovery:' || :account::text, 0))")
                .bind("account", accountId)
                .then();
    }

    /** A running recovery of the account whose window overlaps, for the same endpoint, or where either is for all. */
    Mono<UUID> overlapping(UUID accountId, UUID endpointId, Instant since, Instant until) {
        return db.sql("""
                        select id from recoveries
                        where account_id = :account and status = 'running' and since < :until and :since < until
                          and (endpoint_id is null or :endpoint::uuid is null or endpoint_id = :endpoint)
                        limit 1""")
                .bind("account", accountId)
                .bind("endpoint", Parameter.fromOrEmpty(endpointId, UUID.class))
                .bind("since", time(since))
                .bind("until", time(until))
                .map(row -> row.get("id", UUID.class))
                .one();
    }

    /** Inserts a running recovery with the count of dead deliveries its window holds now. */
    Mono<Recovery> insert(UUID accountId, UUID endpointId, Instant since, Instant until) {
        return db.sql("insert into recoveries (id, account_id, endpoint_id, since, until, matched)"
                        + " select :id, :account, :endpoint, :since, :until, count(*) from deliveries where "
                        + IN_WINDOW + " returning " + COLUMNS)
                .bind("id", UUID.randomUUID())
                .bind("account", accountId)
                .bind("endpoint", Parameter.fromOrEmpty(endpointId, UUID.class))
                .bind("since", time(since))
                .bind("until", time(until))
                .map(RecoveryRepository::recovery)
                .one();
    }

    public Mono<Recovery> find(UUID accountId, UUID id) {
        return db.sql("select " + COLUMNS + " from recoveries where id = :id and account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .map(RecoveryRepository::recovery)
                .one();
    }

    /**
     * The oldest running recovery no other scheduler is working on, locked until the transaction ends: one runner
     * per recovery at a time.
     */
    Mono<Recovery> lockNextRunning() {
        return db.sql("select " + COLUMNS + " from recoveries where status = 'running'"
                        + " order by started_at limit 1 for update skip locked")
                .map(RecoveryRepository::recovery)
                .one();
    }

    /** Puts the next batch of the window's dead deliveries (after the recovery's position) back to pending. */
    Flux<Requeued> requeueBatch(Recovery recovery, int limit) {
        return db.sql("""
                        with batch as (
                          select id, created_at from deliveries
                          where %s
                            and (created_at, id) > (coalesce(:afterAt, '-infinity'::timestamptz),
                                                    coalesce(:afterId, '00000000-0000-0000-0000-000000000000'::uuid))
                          order by created_at, id
                          limit :limit
                          for update
                        )
                        update deliveries d set %s from batch where d.id = batch.id and d.created_at = batch.created_at
                        returning d.id, d.message_id""".formatted(IN_WINDOW, MessageRepository.REPLAY))
                .bind("account", recovery.accountId())
                .bind("endpoint", Parameter.fromOrEmpty(recovery.endpointId(), UUID.class))
                .bind("since", time(recovery.since()))
                .bind("until", time(recovery.until()))
                .bind(
                        "afterAt",
                        Parameter.fromOrEmpty(
                                recovery.afterCreatedAt() == null ? null : time(recovery.afterCreatedAt()),
                                OffsetDateTime.class))
                .bind("afterId", Parameter.fromOrEmpty(recovery.afterId(), UUID.class))
                .bind("limit", limit)
                .map(row -> new Requeued(row.get("id", UUID.class), row.get("message_id", UUID.class)))
                .all();
    }

    /** Moves the recovery past the batch; a short batch was the last one. */
    Mono<Void> advance(Recovery recovery, List<UUID> requeued, boolean last) {
        return db.sql("""
                        update recoveries r set requeued = r.requeued + :count,
                          after_created_at = coalesce(p.created_at, r.after_created_at),
                          after_id = coalesce(p.id, r.after_id),
                          status = case when :last then 'done' else r.status end,
                          finished_at = case when :last then now() end
                        from (select 1) one
                        left join lateral (select created_at, id from deliveries
                                           where id = any(:ids) and created_at between :from::timestamptz and :to::timestamptz
                                           order by created_at desc, id desc limit 1) p on true
                        where r.id = :id""")
                .bindValues(MessageRepository.span(requeued))
                .bind("count", requeued.size())
                .bind("ids", requeued.toArray(UUID[]::new))
                .bind("last", last)
                .bind("id", recovery.id())
                .then();
    }

    Mono<Void> fail(UUID id, String error) {
        return db.sql("update recoveries set status = 'failed', error = :error, finished_at = now() where id = :id")
                .bind("id", id)
                .bind("error", error)
                .then();
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Recovery recovery(Readable row) {
        return new Recovery(
                row.get("id", UUID.class),
                row.get("account_id", UUID.class),
                row.get("endpoint_id", UUID.class),
                instant(row, "since"),
                instant(row, "until"),
                row.get("status", String.class),
                row.get("matched", Long.class),
                row.get("requeued", Long.class),
                instant(row, "after_created_at"),
                row.get("after_id", UUID.class),
                instant(row, "started_at"),
                instant(row, "finished_at"));
    }
}
