package io.chis.runtime.endpoint;

import static io.chis.runtime.auth.AccountRepository.instant;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
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
            case when previous_valid_until > now() then previous_valid_until end as previous_valid_until, created_at""";
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

    private final DatabaseClient db;

    public EndpointRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Endpoint> insert(UUID accountId, String ref, EndpointDraft draft, String secret) {
        return db.sql(
                        "insert into endpoints (id, account_id, ref, name, url, event_types, policy, headers, disabled, secret)"
                                + " values (:id, :account, :ref, :name, :url, :types, :policy, :headers, :disabled, :secret)"
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
                        + " headers = :headers, disabled = :disabled,"
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

    /** Stops deliveries to an endpoint that asked for it (410 Gone), recording why. */
    public Mono<Void> disable(UUID id, String reason) {
        return db.sql(
                        "update endpoints set disabled = true, disabled_reason = :reason, updated_at = now() where id = :id")
                .bind("id", id)
                .bind("reason", reason)
                .then();
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

    /** The columns a draft sets, for both insert and update. */
    private static Map<String, Object> settings(EndpointDraft draft) {
        return Map.of(
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
                instant(row, "created_at"));
    }
}
