package io.chis.runtime.policy;

import io.chis.common.RetrySchedule;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Policies by name, as the operator applies them from DeliveryPolicy resources. */
@Repository
public class PolicyRepository {

    private final DatabaseClient db;

    public PolicyRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> upsert(DeliveryPolicy policy) {
        RetrySchedule s = policy.schedule();
        return db.sql("""
                        insert into delivery_policies (name, max_retries, initial_delay_ms, multiplier, max_delay_ms, jitter,
                                                       timeout_ms, rate_limit_per_second, updated_at)
                        values (:name, :retries, :initial, :multiplier, :max, :jitter, :timeout, :rate, now())
                        on conflict (name) do update set max_retries = excluded.max_retries,
                            initial_delay_ms = excluded.initial_delay_ms, multiplier = excluded.multiplier,
                            max_delay_ms = excluded.max_delay_ms, jitter = excluded.jitter, timeout_ms = excluded.timeout_ms,
                            rate_limit_per_second = excluded.rate_limit_per_second, updated_at = now()""")
                .bind("name", policy.name())
                .bind("retries", s.maxRetries())
                .bind("initial", s.initialDelay().toMillis())
                .bind("multiplier", s.multiplier())
                .bind("max", s.maxDelay().toMillis())
                .bind("jitter", s.jitter())
                .bind("timeout", policy.timeout().toMillis())
                .bind("rate", policy.rateLimitPerSecond())
                .then();
    }

    public Mono<Boolean> delete(String name) {
        return db.sql("delete from delivery_policies where name = :name")
                .bind("name", name)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    public Mono<DeliveryPolicy> find(String name) {
        return db.sql("select * from delivery_policies where name = :name")
                .bind("name", name)
                .map(PolicyRepository::policy)
                .one();
    }

    static DeliveryPolicy policy(Readable row) {
        return new DeliveryPolicy(
                row.get("name", String.class),
                new RetrySchedule(
                        row.get("max_retries", Integer.class),
                        Duration.ofMillis(row.get("initial_delay_ms", Long.class)),
                        row.get("multiplier", Double.class),
                        Duration.ofMillis(row.get("max_delay_ms", Long.class)),
                        row.get("jitter", Double.class)),
                Duration.ofMillis(row.get("timeout_ms", Long.class)),
                row.get("rate_limit_per_second", Double.class));
    }
}
