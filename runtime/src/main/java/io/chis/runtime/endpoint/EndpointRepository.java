package io.chis.runtime.endpoint;

import static io.chis.runtime.auth.AccountRepository.instant;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** SQL for endpoints; a secret rotation keeps the previous secret valid for {@code ROTATION_OVERLAP}. */
@Repository
public class EndpointRepository {

    static final String COLUMNS = """
            id, account_id, ref, name, url, event_types, policy, headers, disabled, disabled_reason, secret,
            case when previous_valid_until > now() then previous_secret end as previous_secret,
            case when previous_valid_until > now() then previous_valid_until end as previous_valid_until, created_at,
            ordering, filter""";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    /**
     * An endpoint's delivery record, for its resource's status: deliveries delivered and dead-lettered, attempts
     * failed, and the failures since the last success.
     */
    public record Stats(
            long delivered,
            long failed,
            long deadLettered,
            Instant lastAttemptAt,
            Integer lastStatusCode,
            Instant lastSuccessAt,
            Instant lastFailureAt,
            long consecutiveFailures) {}

    /**
     * How an endpoint is doing: its last success and failure, the failures since the last success, and the share of
     * its attempts that succeeded over the last hour and day (null without attempts), to within 5 minutes.
     */
    public record Health(
            Instant lastSuccessAt,
            Instant lastFailureAt,
            long consecutiveFailures,
            Double successRate1h,
            Double successRate24h) {}

    /** An enabled endpoint whose attempts have all failed since {@code failingSince}. */
    public record Failing(
            UUID id,
            Instant lastSuccessAt,
            Instant failingSince,
            Instant lastFailureAt,
            Integer lastStatusCode,
            long consecutiveFailures) {}

    private final DatabaseClient db;

    public EndpointRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Endpoint> insert(UUID accountId, String ref, EndpointDraft draft, String secret) {
        return db.sql(
                        "insert into endpoints (id, account_id, ref, name, url, event_types, policy, headers, disabled, secret,"
                                + " ordering, filter) values (:id, :account, :ref, :name, :url, :types, :policy, :headers,"
                                + " :disabled, :secret, :ordering, :filter)"
                                + " returning " + COLUMNS)
                .bind("id", UUID.randomUUID())
                .bind("account", accountId)
                .bind("ref", Parameter.fromOrEmpty(ref, String.class))
                .bind("secret", secret)
                .bindValues(settings(draft))
                .map(EndpointRepository::endpoint)
                .one();
    }

    /** Replaces the endpoint's settings; re-enabling clears the reason it was disabled. */
    public Mono<Endpoint> update(UUID id, EndpointDraft draft) {
        return db.sql("update endpoints set name = :name, url = :url, event_types = :types, policy = :policy,"
                        + " headers = :headers, disabled = :disabled, ordering = :ordering, filter = :filter,"
                        + " disabled_reason = case when :disabled then disabled_reason end, updated_at = now()"
                        + " where id = :id returning " + COLUMNS)
                .bind("id", id)
                .bindValues(settings(draft))
                .map(EndpointRepository::endpoint)
                .one();
    }

    public Mono<Endpoint> find(UUID accountId, UUID id) {
        return db.sql("select " + COLUMNS + " from endpoints where id = :id and account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .map(EndpointRepository::endpoint)
                .one();
    }

    public Mono<Endpoint> findById(UUID id) {
        return db.sql("select " + COLUMNS + " from endpoints where id = :id")
                .bind("id", id)
                .map(EndpointRepository::endpoint)
                .one();
    }

    public Mono<Endpoint> findByRef(String ref) {
        return db.sql("select " + COLUMNS + " from endpoints where ref = :ref")
                .bind("ref", ref)
                .map(EndpointRepository::endpoint)
                .one();
    }

    public Flux<Endpoint> list(UUID accountId) {
        return db.sql("select " + COLUMNS + " from endpoints where account_id = :account order by created_at, id")
                .bind("account", accountId)
                .map(EndpointRepository::endpoint)
                .all();
    }

    /**
     * Enabled endpoints of the account subscribed to the event type whose filter the payload passes; the payload
     * is read once, and only when a subscriber has a filter.
     */
    public Mono<List<Endpoint>> subscribers(UUID accountId, String eventType, byte[] payload) {
        return enabled(accountId)
                .filter(e -> EventTypes.anyMatches(e.eventTypes(), eventType))
                .collectList()
                .map(subscribed -> {
                    if (subscribed.stream().allMatch(e -> e.filter() == null)) return subscribed;
                    tools.jackson.databind.JsonNode tree = PayloadFilter.readPayload(payload);
                    return subscribed.stream()
                            .filter(e -> e.accepts(eventType, tree))
                            .toList();
                });
    }

    public Flux<Endpoint> enabled(UUID accountId) {
        return db.sql("select " + COLUMNS
                        + " from endpoints where account_id = :account and not disabled order by created_at, id")
                .bind("account", accountId)
                .map(EndpointRepository::endpoint)
                .all();
    }

    public Mono<Boolean> delete(UUID id) {
        return db.sql("delete from endpoints where id = :id")
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Makes {@code secret} current; the one it replaces keeps signing until the overlap ends. */
    public Mono<Endpoint> rotateSecret(UUID id, String secret) {
        return db.sql("update endpoints set previous_secret = secret,"
                        + " previous_valid_until = now() + interval '24 hours', secret = :secret, updated_at = now()"
                        + " where id = :id returning " + COLUMNS)
                .bind("id", id)
                .bind("secret", secret)
                .map(EndpointRepository::endpoint)
                .one();
    }

    /** Stops deliveries to an endpoint (it answered 410 Gone, or kept failing), recording why; false if it already was. */
    public Mono<Boolean> disable(UUID id, String reason) {
        return db.sql("update endpoints set disabled = true, disabled_reason = :reason, updated_at = now()"
                        + " where id = :id and not disabled")
                .bind("id", id)
                .bind("reason", reason)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** The endpoint's counters, kept by each attempt's record (zero before its first attempt). */
    public Mono<Stats> stats(UUID id) {
        return db.sql("""
                        select delivered, failed, dead_lettered, last_attempt_at, last_status_code, last_success_at,
                               last_failure_at, consecutive_failures
                        from endpoint_stats where endpoint_id = :id""")
                .bind("id", id)
                .map(row -> new Stats(
                        row.get("delivered", Long.class),
                        row.get("failed", Long.class),
                        row.get("dead_lettered", Long.class),
                        instant(row, "last_attempt_at"),
                        row.get("last_status_code", Integer.class),
                        instant(row, "last_success_at"),
                        instant(row, "last_failure_at"),
                        row.get("consecutive_failures", Long.class)))
                .one()
                .defaultIfEmpty(new Stats(0, 0, 0, null, null, null, null, 0));
    }

    public Mono<Health> health(UUID id) {
        return db.sql("""
                        select s.last_success_at, s.last_failure_at, coalesce(s.consecutive_failures, 0) as consecutive_failures,
                               b.attempts_1h, b.succeeded_1h, b.attempts_24h, b.succeeded_24h
                        from (select 1) one
                        left join endpoint_stats s on s.endpoint_id = :id
                        left join lateral (
                          select sum(attempts) filter (where bucket >= now() - interval '1 hour') as attempts_1h,
                                 sum(succeeded) filter (where bucket >= now() - interval '1 hour') as succeeded_1h,
                                 sum(attempts) as attempts_24h, sum(succeeded) as succeeded_24h
                          from endpoint_attempt_buckets where endpoint_id = :id and bucket >= now() - interval '24 hours'
                        ) b on true""")
                .bind("id", id)
                .map(row -> new Health(
                        instant(row, "last_success_at"),
                        instant(row, "last_failure_at"),
                        row.get("consecutive_failures", Long.class),
                        rate(row, "succeeded_1h", "attempts_1h"),
                        rate(row, "succeeded_24h", "attempts_24h")))
                .one();
    }

    private static Double rate(Readable row, String succeeded, String attempts) {
        Number all = row.get(attempts, Number.class);
        if (all == null || all.longValue() == 0) return null;
        Number ok = row.get(succeeded, Number.class);
        return Math.round(ok.doubleValue() / all.doubleValue() * 10_000) / 10_000.0;
    }

    /** Enabled endpoints whose attempts have all failed for longer than {@code window}. */
    public Flux<Failing> failingLongerThan(Duration window) {
        return db.sql("""
                        select s.endpoint_id, s.last_success_at, s.failing_since, s.last_failure_at, s.last_status_code,
                               s.consecutive_failures
                        from endpoint_stats s join endpoints e on e.id = s.endpoint_id
                        where not e.disabled and s.consecutive_failures > 0
                          and s.failing_since < now() - make_interval(secs => :seconds)""")
                .bind("seconds", window.toMillis() / 1000.0)
                .map(row -> new Failing(
                        row.get("endpoint_id", UUID.class),
                        instant(row, "last_success_at"),
                        instant(row, "failing_since"),
                        instant(row, "last_failure_at"),
                        row.get("last_status_code", Integer.class),
                        row.get("consecutive_failures", Long.class)))
                .all();
    }

    /** The error of the endpoint's latest attempt at or after {@code since} (found by the attempts' time index). */
    public Mono<String> lastError(UUID id, Instant since) {
        return db.sql("""
                        select a.error from delivery_attempts a
                        join deliveries d on d.id = a.delivery_id and d.created_at = a.created_at
                        where d.endpoint_id = :id and a.at >= :since and a.error is not null
                        order by a.at desc limit 1""")
                .bind("id", id)
                .bind("since", since.atOffset(java.time.ZoneOffset.UTC))
                .map(row -> row.get("error", String.class))
                .one();
    }

    /** A re-enabled endpoint gets the whole CHIS_ENDPOINT_DISABLE_AFTER window again from its next failure. */
    public Mono<Void> restartFailureWindow(UUID id) {
        return db.sql("update endpoint_stats set failing_since = null where endpoint_id = :id")
                .bind("id", id)
                .then();
    }

    /** Drops the attempt buckets no success rate reads any more. */
    public Mono<Long> pruneAttemptBuckets() {
        return db.sql("delete from endpoint_attempt_buckets where bucket < now() - interval '25 hours'")
                .fetch()
                .rowsUpdated();
    }

    /** The columns a draft sets, for both insert and update. */
    private static Map<String, Object> settings(EndpointDraft draft) {
        return Map.of(
                "ordering",
                draft.ordering(),
                "filter",
                Parameter.fromOrEmpty(draft.filter() == null ? null : Json.of(draft.filter()), Json.class),
                "name",
                draft.name(),
                "url",
                draft.url(),
                "types",
                draft.eventTypes().toArray(String[]::new),
                "policy",
                Parameter.fromOrEmpty(draft.policy(), String.class),
                "headers",
                Json.of(JSON.writeValueAsString(draft.headers())),
                "disabled",
                draft.disabled());
    }

    static Endpoint endpoint(Readable row) {
        String[] types = row.get("event_types", String[].class);
        Json headers = row.get("headers", Json.class);
        Json filter = row.get("filter", Json.class);
        return new Endpoint(
                row.get("id", UUID.class),
                row.get("account_id", UUID.class),
                row.get("ref", String.class),
                row.get("name", String.class),
                row.get("url", String.class),
                types == null ? List.of() : Arrays.asList(types),
                row.get("policy", String.class),
                headers == null ? Map.of() : JSON.readValue(headers.asString(), HEADERS),
                Boolean.TRUE.equals(row.get("disabled", Boolean.class)),
                row.get("disabled_reason", String.class),
                row.get("secret", String.class),
                row.get("previous_secret", String.class),
                instant(row, "previous_valid_until"),
                instant(row, "created_at"),
                row.get("ordering", String.class),
                filter == null ? null : PayloadFilter.parse(filter.asString()));
    }
}
