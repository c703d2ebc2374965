package io.chis.runtime.dispatch;

import io.chis.common.Durations;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.queue.WorkQueue.Stats;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The worker's delivery log for an operator: one INFO line per period with activity (delivered, failed and
 * dead-lettered in the period, and the queue), and the wording of the per-attempt lines {@link OutcomeHandler} logs.
 * A quiet worker logs nothing; a successful delivery never has a line of its own at INFO.
 */
public class DeliverySummary implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliverySummary.class);
    public static final Duration PERIOD = Duration.ofSeconds(30);

    private final WorkQueue queue;
    private final Duration period;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder dead = new LongAdder();
    private volatile Disposable task;

    public DeliverySummary(WorkQueue queue) {
        this(queue, PERIOD);
    }

    DeliverySummary(WorkQueue queue, Duration period) {
        this.queue = queue;
        this.period = period;
    }

    void delivered() {
        delivered.increment();
    }

    void failed() {
        failed.increment();
    }

    void dead() {
        dead.increment();
    }

    /** Logs and returns the period's line, or completes empty when nothing finished in the period. */
    Mono<String> report() {
        long d = delivered.sumThenReset(), f = failed.sumThenReset(), x = dead.sumThenReset();
        if (d + f + x == 0) return Mono.empty();
        // the queue's numbers are a bonus: without Redis the counts are still worth their line
        return queue.stats()
                .map(stats -> line(period, d, f, x, stats))
                .onErrorResume(e -> Mono.just(line(period, d, f, x, null)))
                .defaultIfEmpty(line(period, d, f, x, null))
                .doOnNext(log::info);
    }

    static String line(Duration period, long delivered, long failed, long dead, Stats queue) {
        String counts = "Deliveries in the last %s: %d delivered, %d failed (to be retried), %d dead-lettered"
                .formatted(Durations.format(period), delivered, failed, dead);
        return queue == null
                ? counts
                : counts
                        + "; queue: %d waiting, %d in flight, %d retries scheduled"
                                .formatted(queue.queued() - queue.leased(), queue.leased(), queue.scheduled());
    }

    /** A failed attempt that will be tried again, as an operator reads it. */
    static String failedAttempt(
            UUID deliveryId, String url, UUID endpointId, int attempt, String error, Duration retryIn, Instant at) {
        return "Delivery %s to %s failed attempt %d: %s; next attempt in %s (at %s)"
                .formatted(
                        deliveryId,
                        destination(url, endpointId),
                        attempt,
                        error,
                        Durations.format(retryIn.toSeconds() == 0 ? retryIn : retryIn.truncatedTo(ChronoUnit.SECONDS)),
                        at == null ? "?" : at.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A dead letter, as an operator reads it. */
    static String deadLettered(
            UUID deliveryId, UUID messageId, String url, UUID endpointId, int attempts, String error) {
        return "Delivery %s of message %s to %s dead-lettered after %d attempt(s): %s"
                .formatted(deliveryId, messageId, destination(url, endpointId), attempts, error);
    }

    /** The endpoint's id, or the host of a URL send (never the whole URL: its path or query may carry a token). */
    static String destination(String url, UUID endpointId) {
        if (endpointId != null) return "endpoint " + endpointId;
        try {
            String host = URI.create(url).getHost();
            return "host " + (host == null ? "?" : host);
        } catch (IllegalArgumentException e) {
            return "host ?";
        }
    }

    @Override
    public void start() {
        task = Flux.interval(period, period)
                .onBackpressureDrop()
                .concatMap(tick -> report().onErrorResume(e -> Mono.empty()), 0)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = task;
        task = null;
        if (running != null) running.dispose();
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }
}
