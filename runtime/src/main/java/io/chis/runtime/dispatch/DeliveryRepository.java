package io.chis.runtime.dispatch;

import static io.chis.runtime.auth.AccountRepository.instant;

import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.persist.MessageStatus;
import io.chis.runtime.signing.WebhookSignature;
import io.chis.runtime.support.GroupCommit;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL of the delivery pipeline: claiming a delivery, recording an attempt, sweeping for lost work. */
@Repository
public class DeliveryRepository {

    /**
     * A delivery a worker holds until {@code lock} is released or its lease runs out, with what it needs to send it:
     * also the account's signing secrets (current first, then the previous one while valid) for URL sends, and its
     * created_at (its message's), which names its partitions.
     */
    public record Claimed(
            UUID id,
            UUID messageId,
            String url,
            UUID endpointId,
            int attemptCount,
            int retryBase,
            byte[] payload,
            UUID lock,
            List<String> accountSecrets,
            Instant createdAt,
            boolean fifo,
            String traceparent,
            Instant dueAt) {

        /** Failed attempts since the schedule last (re)started, counting the attempt about to be made. */
        public int attemptsSinceReplay() {
            return attemptCount + 1 - retryBase;
        }
    }

    /** One attempt's facts, as they go into {@code delivery_attempts}. */
    public record AttemptRecord(Instant at, Integer statusCode, long durationMs, String error, String responseBody) {}

    /** The next delivery of a FIFO endpoint, and when it is due. */
    public record InLine(UUID id, Instant due) {}

    /** A delivery put back on the queue by the sweep. */
    public record Requeued(UUID id, UUID messageId) {}

    /**
     * Whether delivery {@code %1$s} may be attempted now: always, unless its endpoint is FIFO; then only while no
     * delivery of that endpoint accepted before it is unfinished and none other is being attempted (a replayed
     * earlier one waits for the attempt in flight).
     */
    static final String IN_TURN = """
            not exists (
              select 1 from endpoints e
              where e.id = %1$s.endpoint_id and e.ordering = 'fifo'
                and exists (
                  select 1 from deliveries o
                  where o.endpoint_id = e.id and o.id <> %1$s.id
                    and ((o.seq < %1$s.seq and o.status in ('pending', 'retrying', 'delivering'))
                         or (o.status = 'delivering' and o.locked_until >= now()))))""";

    private final DatabaseClient db;
    private final MessageRepository messages;
    private final GroupCommit<Recording, Instant> recordings;

    public DeliveryRepository(DatabaseClient db, MessageRepository messages) {
        this.messages = messages;
        this.db = db;
        this.recordings = new GroupCommit<>(this::recordAll, 256, 4);
    }

    /**
     * Takes deliveries for one attempt each, those that are due and free (nobody holds them, or the holder's lease
     * ran out), in one statement for a whole batch read from the stream. The condition makes duplicate stream
     * entries harmless: only one claim wins, the rest find nothing. Rows another transaction is writing are skipped
     * rather than waited for (their stream entry comes again if they still need an attempt).
     */
    public Flux<Claimed> claim(List<UUID> ids, Duration lease) {
        UUID lock = UUID.randomUUID();
        // One statement (autocommit): the claims and the accounts' signing secrets. Rows are locked in id order, so
        // concurrent batches never deadlock. The messages are not written: their stored status counts a delivery in
        // flight as pending, and reads derive 'delivering' (MessageStatus.current).
        return db.sql("""
                        with candidate as (
                          select id, created_at,
                                 (select e.ordering = 'fifo' from endpoints e where e.id = deliveries.endpoint_id) as fifo
                          from deliveries
                          where id = any(:ids) and created_at between :from::timestamptz and :to::timestamptz
                            and ((status in ('pending', 'retrying') and (next_attempt_at is null or next_attempt_at <= now()))
                                 or (status = 'delivering' and locked_until < now()))
                            and %s
                          order by id
                          for update skip locked
                        ), claimed as (
                          update deliveries d
                          set status = 'delivering', locked_until = now() + make_interval(secs => :lease),
                              locked_by = :lock, updated_at = now()
                          from candidate c, messages m left join signing_secrets s on s.account_id = m.account_id
                          where d.id = c.id and d.created_at = c.created_at and m.id = d.message_id and m.created_at = d.created_at
                          returning d.id, d.message_id, d.created_at, d.url, d.endpoint_id, d.attempt_count, d.retry_base,
                                    m.payload, m.traceparent, d.next_attempt_at, s.secret, c.fifo,
                                    case when s.previous_valid_until > now() then s.previous_secret end as previous_secret
                        )
                        select * from claimed""".formatted(IN_TURN.formatted("deliveries")))
                .bind("ids", ids.toArray(UUID[]::new))
                .bindValues(MessageRepository.span(ids))
                .bind("lease", lease.toMillis() / 1000.0)
                .bind("lock", lock)
                .map(row -> new Claimed(
                        row.get("id", UUID.class),
                        row.get("message_id", UUID.class),
                        row.get("url", String.class),
                        row.get("endpoint_id", UUID.class),
                        row.get("attempt_count", Integer.class),
                        row.get("retry_base", Integer.class),
                        row.get("payload", byte[].class),
                        lock,
                        WebhookSignature.inUse(
                                row.get("secret", String.class), row.get("previous_secret", String.class)),
                        instant(row, "created_at"),
                        Boolean.TRUE.equals(row.get("fifo", Boolean.class)),
                        row.get("traceparent", String.class),
                        instant(row, "next_attempt_at")))
                .all();
    }

    /** The FIFO endpoint's next unfinished delivery in acceptance order, to queue once the one before it is done. */
    public Mono<InLine> nextInLine(UUID endpointId) {
        return db.sql("""
                        select id, next_attempt_at from deliveries
                        where endpoint_id = :endpoint and status in ('pending', 'retrying')
                        order by seq limit 1""")
                .bind("endpoint", endpointId)
                .map(row -> new InLine(row.get("id", UUID.class), instant(row, "next_attempt_at")))
                .one();
    }

    /** When a waiting delivery is due, if it is waiting for a later time (a stream entry that came early). */
    public Mono<Instant> dueLater(UUID id) {
        return db.sql("""
                        select next_attempt_at from deliveries
                        where id = :id and created_at between :from::timestamptz and :to::timestamptz
                          and status in ('pending', 'retrying') and next_attempt_at > now()""")
                .bind("id", id)
                .bindValues(MessageRepository.span(List.of(id)))
                .map(row -> instant(row, "next_attempt_at"))
                .one();
    }

    /**
     * Records the attempt and moves the delivery to {@code status} (retrying after {@code delay}), releasing the
     * claim. Returns when the next attempt is due (epoch for final states), or empty when the claim was lost.
     * Attempts finishing together are written together (group commit), each caller answered after the commit.
     */
    public Mono<Instant> record(Claimed claimed, AttemptRecord attempt, String status, Duration delay) {
        return recordings.submit(new Recording(claimed, attempt, status, delay));
    }

    private record Recording(Claimed claimed, AttemptRecord attempt, String status, Duration delay) {}

    // The endpoints' counters (endpoint_stats) for the attempts of `recorded` and `input`, one row per endpoint in id
    // order (an upsert may touch a row once per statement; the order keeps concurrent batches from deadlocking).
    // consecutive_failures restarts from the failures after the batch's last success, if it has one.
    private static final String COUNT_ENDPOINT_STATS = """
            insert into endpoint_stats as s (endpoint_id, delivered, failed, dead_lettered, last_attempt_at,
                                             last_status_code, last_success_at, last_failure_at, consecutive_failures,
                                             failing_since)
            select o.endpoint_id,
                   count(*) filter (where o.status = 'delivered'), count(*) filter (where not o.ok),
                   count(*) filter (where o.status = 'dead'), max(o.at), (array_agg(o.code order by o.at desc))[1],
                   max(o.at) filter (where o.ok), max(o.at) filter (where not o.ok),
                   count(*) filter (where not o.ok and (o.ok_at is null or o.at > o.ok_at)),
                   min(o.at) filter (where not o.ok and (o.ok_at is null or o.at > o.ok_at))
            from (select r.endpoint_id, i.status, i.at::timestamptz as at, nullif(i.status_code, 0) as code,
                         i.status_code between 200 and 299 as ok,
                         max(i.at::timestamptz) filter (where i.status_code between 200 and 299)
                           over (partition by r.endpoint_id) as ok_at
                  from recorded r join input i on i.id = r.id
                  where r.endpoint_id is not null) o
            group by o.endpoint_id
            order by o.endpoint_id
            on conflict (endpoint_id) do update set
              delivered = s.delivered + excluded.delivered,
              failed = s.failed + excluded.failed,
              dead_lettered = s.dead_lettered + excluded.dead_lettered,
              last_attempt_at = greatest(s.last_attempt_at, excluded.last_attempt_at),
              last_status_code = case when s.last_attempt_at > excluded.last_attempt_at then s.last_status_code
                                      else excluded.last_status_code end,
              last_success_at = greatest(s.last_success_at, excluded.last_success_at),
              last_failure_at = greatest(s.last_failure_at, excluded.last_failure_at),
              consecutive_failures = case when excluded.last_success_at is not null then excluded.consecutive_failures
                                          else s.consecutive_failures + excluded.consecutive_failures end,
              failing_since = case when excluded.last_success_at is not null then excluded.failing_since
                                   else coalesce(s.failing_since, excluded.failing_since) end""";

    // The attempts of `recorded` per endpoint and 5-minute bucket, for the success rates of the endpoint's health.
    private static final String COUNT_ENDPOINT_BUCKETS = """
            insert into endpoint_attempt_buckets as b (endpoint_id, bucket, attempts, succeeded)
            select r.endpoint_id, date_bin('5 minutes', i.at::timestamptz, timestamptz '2000-01-01'), count(*),
                   count(*) filter (where i.status_code between 200 and 299)
            from recorded r join input i on i.id = r.id
            where r.endpoint_id is not null
            group by 1, 2
            order by 1, 2
            on conflict (endpoint_id, bucket) do update set
              attempts = b.attempts + excluded.attempts, succeeded = b.succeeded + excluded.succeeded""";

    // One statement for a batch of attempts: each delivery's new state, its attempt, its endpoint's counters, and the
    // stored roll-up status of their messages (as MessageRepository.refreshStatus computes it, with the deliveries'
    // new statuses, which the other parts of the statement cannot see yet), written only when it changes. Message
    // rows are locked in id order, like the claim's. `shared`: the message has other deliveries.
    private record Recorded(UUID id, Instant next, UUID messageId, boolean shared) {}

    private Mono<List<Instant>> recordAll(List<Recording> batch) {
        int n = batch.size();
        UUID[] ids = new UUID[n], locks = new UUID[n];
        String[] statuses = new String[n], ats = new String[n], errors = new String[n], bodies = new String[n];
        String[] createdAts = new String[n];
        Double[] delays = new Double[n];
        Integer[] codes = new Integer[n], hasBodies = new Integer[n];
        Long[] durations = new Long[n];
        for (int i = 0; i < n; i++) {
            Recording r = batch.get(i);
            ids[i] = r.claimed().id();
            locks[i] = r.claimed().lock();
            createdAts[i] = r.claimed().createdAt().toString();
            statuses[i] = r.status();
            delays[i] = r.delay() == null ? 0.0 : r.delay().toMillis() / 1000.0;
            ats[i] = r.attempt().at().toString();
            codes[i] = r.attempt().statusCode() == null ? 0 : r.attempt().statusCode();
            durations[i] = r.attempt().durationMs();
            errors[i] = r.attempt().error() == null ? "" : r.attempt().error();
            bodies[i] = r.attempt().responseBody() == null ? "" : r.attempt().responseBody();
            hasBodies[i] = r.attempt().responseBody() == null ? 0 : 1;
        }
        return db.sql("""
                        with input as (
                          select * from unnest(:ids::uuid[], :locks::uuid[], :statuses::text[], :delays::float8[], :ats::text[],
                                               :codes::int[], :durations::int8[], :errors::text[], :bodies::text[], :hasBodies::int[],
                                               :createdAts::timestamptz[])
                                 as t(id, lock, status, delay, at, status_code, duration_ms, error, body, has_body, created_at)
                        ), recorded as (
                          update deliveries d
                          set status = i.status, attempt_count = d.attempt_count + 1,
                              next_attempt_at = case when i.status = 'retrying' then now() + make_interval(secs => i.delay) end,
                              locked_until = null, locked_by = null, updated_at = now()
                          from input i
                          where d.id = i.id and d.created_at = i.created_at and d.status = 'delivering' and d.locked_by = i.lock
                            and d.created_at between :from::timestamptz and :to::timestamptz
                          returning d.id, d.message_id, d.created_at, d.endpoint_id, d.attempt_count, d.next_attempt_at, i.status
                        ), attempt as (
                          insert into delivery_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response_body,
                                                         created_at)
                          select r.id, r.attempt_count, i.at::timestamptz, nullif(i.status_code, 0), i.duration_ms,
                                 nullif(i.error, ''), case when i.has_body = 1 then i.body end, r.created_at
                          from recorded r join input i on i.id = r.id
                        ), counted as (%s
                        ), bucketed as (%s
                        ), rolling_up as (
                          select id, created_at from messages
                          where (id, created_at) in (select message_id, created_at from recorded) order by id for update
                        ), rollup as (
                          select x.message_id, x.created_at, %s as status, count(*) as deliveries
                          from (select d.message_id, d.created_at, coalesce(r.status, d.status) as status
                                from deliveries d left join recorded r on r.id = d.id
                                where (d.message_id, d.created_at) in (select id, created_at from rolling_up)) x
                          group by x.message_id, x.created_at
                        ), rolled_up as (
                          update messages m set status = s.status from rollup s
                          where m.id = s.message_id and m.created_at = s.created_at and m.status <> s.status
                        )
                        select r.id, r.next_attempt_at, r.message_id, coalesce(u.deliveries, 2) > 1 as shared
                        from recorded r left join rollup u on u.message_id = r.message_id and u.created_at = r.created_at""".formatted(
                                COUNT_ENDPOINT_STATS, COUNT_ENDPOINT_BUCKETS, MessageStatus.storedRollUp("x.status")))
                .bind("ids", ids)
                .bind("locks", locks)
                .bind("statuses", statuses)
                .bind("delays", delays)
                .bind("ats", ats)
                .bind("codes", codes)
                .bind("durations", durations)
                .bind("errors", errors)
                .bind("bodies", bodies)
                .bind("hasBodies", hasBodies)
                .bind("createdAts", createdAts)
                .bindValues(MessageRepository.span(Arrays.asList(ids)))
                .map(row -> {
                    Instant next = instant(row, "next_attempt_at");
                    return new Recorded(
                            row.get("id", UUID.class),
                            next == null ? Instant.EPOCH : next,
                            row.get("message_id", UUID.class),
                            Boolean.TRUE.equals(row.get("shared", Boolean.class)));
                })
                .all()
                .collectList()
                // Concurrent batches for deliveries of one message each roll it up from their statement's snapshot, so
                // the later one may miss the other's delivery: once committed, the roll-up is done again from what is.
                // A message with one delivery has no other batch to race (only the claim's holder records).
                .flatMap(recorded -> messages.refreshStatuses(recorded.stream()
                                .filter(Recorded::shared)
                                .map(Recorded::messageId)
                                .distinct()
                                .toList())
                        .thenReturn(recorded))
                .map(recorded -> {
                    Map<UUID, Instant> next = new java.util.HashMap<>();
                    recorded.forEach(r -> next.put(r.id(), r.next()));
                    return Arrays.stream(ids).map(next::get).toList();
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
                        where id = :id and created_at = :createdAt and status = 'delivering' and locked_by = :lock
                        returning next_attempt_at""")
                .bind("createdAt", java.time.OffsetDateTime.ofInstant(claimed.createdAt(), java.time.ZoneOffset.UTC))
                .bind("delay", delay.toMillis() / 1000.0)
                .bind("id", claimed.id())
                .bind("lock", claimed.lock())
                .map(row -> instant(row, "next_attempt_at"))
                .one();
    }

    /**
     * Finds work that Redis lost: deliveries due longer than {@code grace} ago, and deliveries whose worker's lease
     * ran out (of a FIFO endpoint, only the one whose turn it is). Marks them due now (so the next sweep waits
     * another grace period) and returns them. Rows another
     * scheduler is sweeping are skipped, so schedulers side by side never queue the same rows twice.
     */
    public Flux<Requeued> sweep(Duration grace, int limit) {
        return db.sql("""
                        with stuck as (
                          select id from deliveries
                          where ((status in ('pending', 'retrying') and next_attempt_at < now() - make_interval(secs => :grace))
                                 or (status = 'delivering' and locked_until < now()))
                            and %s
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
                        returning d.id, d.message_id""".formatted(IN_TURN.formatted("deliveries")))
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
