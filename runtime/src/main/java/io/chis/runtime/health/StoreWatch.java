package io.chis.runtime.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Polls PostgreSQL and Redis every second and logs each outage once when it begins and once when it ends, so that
 * requests failing meanwhile need not log at all; {@code /readyz} reports the last answers.
 */
@Component
public class StoreWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StoreWatch.class);
    private static final Duration EVERY = Duration.ofSeconds(1);

    private final HealthCheck health;
    private final Map<String, Instant> downSince = new ConcurrentHashMap<>();
    private volatile Map<String, String> last = Map.of();
    private Disposable polling;

    public StoreWatch(HealthCheck health) {
        this.health = health;
    }

    /** The stores' last answers, {@code UP} or {@code DOWN: <why>}; empty before the first poll. */
    public Map<String, String> stores() {
        return last;
    }

    void observe(Map<String, String> checks) {
        last = Map.copyOf(checks);
        checks.forEach((store, answer) -> {
            if (!answer.equals("UP")) {
                if (downSince.putIfAbsent(store, Instant.now()) == null) {
                    log.warn("{} is unreachable ({}): {}", store, answer, meanwhile(store));
                }
            } else {
                Instant since = downSince.remove(store);
                if (since != null) {
                    log.info(
                            "{} is reachable again after {} s",
                            store,
                            Duration.between(since, Instant.now()).toSeconds());
                }
            }
        });
    }

    private static String meanwhile(String store) {
        return store.equals(HealthCheck.REDIS)
                ? "sends are still accepted into PostgreSQL and queued by the sweep when it is back"
                : "requests that need it answer 503 with Retry-After until it is back";
    }

    @Override
    public void start() {
        polling = Flux.interval(EVERY)
                .onBackpressureDrop()
                .concatMap(tick -> health.check(), 0)
                .subscribe(report -> observe(report.checks()));
    }

    @Override
    public void stop() {
        if (polling != null) polling.dispose();
        polling = null;
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }
}
