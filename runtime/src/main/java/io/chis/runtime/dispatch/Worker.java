package io.chis.runtime.dispatch;

import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.queue.WorkQueue.Entry;
import io.chis.runtime.support.Backoff;
import io.chis.runtime.support.OutageLog;
import io.chis.runtime.support.StoreOutage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The worker role: leases delivery ids from the {@link WorkQueue} and hands each to its {@link Attempts}, never
 * more than {@code CHIS_WORKER_CONCURRENCY} at once (it receives only as many entries as it has free slots, so the
 * queue holds the backlog, not this process). An entry is acknowledged once its attempt is recorded; one left
 * unacknowledged (this worker died, or the attempt failed) is taken over by a worker after the claim timeout. A
 * delivery waiting for a busy host or endpoint ({@link HostGate}) gives its slot back and is parked meanwhile; at most as many
 * as there are slots are parked at once.
 */
public class Worker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration READ_WAIT = Duration.ofSeconds(1);
    private static final int BATCH_GATHER = 16;
    /**
     * A delivery whose processing failed (between its claim and its record) on this many leases of its queue entry
     * is dead-lettered with the failure as the reason, rather than taken over for ever.
     */
    static final int POISON_AFTER = 5;

    private final WorkQueue queue;
    private final Attempts attempts;
    private final DeliverySettings settings;
    private final Semaphore slots;
    private final Semaphore parking;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger();
    private final String name;
    private final Sinks.Empty<Void> abandon = Sinks.empty();

    private volatile boolean running;
    private Thread reader;
    private WorkQueue.Consumer consumer;
    private final OutageLog queueLog = new OutageLog(
            log,
            "Worker cannot read the delivery queue; retrying with backoff",
            "Worker reads the delivery queue again");
    private final Backoff readBackoff = new Backoff();

    public Worker(WorkQueue queue, Attempts attempts, DeliverySettings settings, MeterRegistry registry) {
        this.queue = queue;
        this.attempts = attempts;
        this.settings = settings;
        this.slots = new Semaphore(settings.concurrency());
        this.parking = new Semaphore(settings.concurrency());
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        this.name = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        Gauge.builder("chis.worker.in.flight", inFlight, AtomicInteger::get)
                .description("Attempts this worker has in flight")
                .register(registry);
        Gauge.builder("chis.worker.parked", parked, AtomicInteger::get)
                .description("Deliveries this worker holds outside its slots: waiting for a busy host, then attempted")
                .register(registry);
    }

    @Override
    public void start() {
        running = true;
        consumer = queue.consumer(name, settings.claimTimeout());
        reader = Thread.ofPlatform().name("chis-worker-reader").daemon().start(this::readLoop);
        log.info(
                "Worker {} reading the delivery queue (concurrency {}, timeout {}, claim timeout {})",
                name,
                settings.concurrency(),
                settings.timeout(),
                settings.claimTimeout());
    }

    @Override
    public void stop() {
        running = false;
        try {
            // Let attempts in flight finish; whatever is still running after the grace is abandoned to other workers.
            long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
            while (held() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            if (held() > 0) {
                log.warn(
                        "Worker {} stopping with {} attempt(s) in flight; other workers take them over after {}",
                        name,
                        held(),
                        settings.claimTimeout());
            }
            abandon.tryEmitEmpty();
            if (reader != null) reader.join(READ_WAIT.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            abandon.tryEmitEmpty();
            if (consumer != null) consumer.close();
            reader = null;
        }
    }

    private int held() {
        return inFlight.get() + parked.get();
    }

    @Override
    public boolean isRunning() {
        return reader != null;
    }

    private void readLoop() {
        while (running) {
            int free = 0;
            try {
                if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) continue;
                free = 1 + slots.drainPermits();
                // While attempts are finishing, gather their slots a moment longer: one claim serves a bigger batch.
                if (free < BATCH_GATHER && inFlight.get() > 0) {
                    Thread.sleep(1);
                    free += slots.drainPermits();
                }
                List<Entry> batch = consumer.receive(free, READ_WAIT);
                queueRecovered();
                free -= batch.size();
                dispatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) queueFailed(e);
            } finally {
                if (free > 0) slots.release(free);
            }
        }
    }

    /** Claims the batch's deliveries in one statement, then makes and acknowledges each attempt on its own. */
    private void dispatch(List<Entry> batch) {
        if (batch.isEmpty()) return;
        List<UUID> ids = batch.stream().map(Entry::deliveryId).distinct().toList();
        // While PostgreSQL is down the claim is tried again with backoff, holding the batch's slots (so nothing more is
        // read meanwhile), and succeeds within seconds of its return instead of waiting for the claim timeout.
        Mono<Map<UUID, Claimed>> claims = attempts.claim(ids)
                .retryWhen(Backoff.whileUnavailable(settings.claimTimeout().dividedBy(2)))
                .cache();
        Set<UUID> taken = new HashSet<>();
        for (Entry entry : batch) {
            // a second entry for the same delivery in this batch must not attempt it again
            dispatch(entry, taken.add(entry.deliveryId()) ? claims : Mono.just(Map.of()));
        }
    }

    private void dispatch(Entry entry, Mono<Map<UUID, Claimed>> claims) {
        UUID deliveryId = entry.deliveryId();
        Hold hold = new Hold();
        inFlight.incrementAndGet();
        claims.flatMap(claimed -> attempt(entry, claimed.get(deliveryId), hold))
                .then(Mono.defer(() -> acknowledge(entry)))
                .onErrorResume(e -> {
                    // Not acknowledged: the entry stays leased and is taken over after the claim timeout. A store
                    // outage is logged once by StoreWatch, not once per delivery.
                    if (StoreOutage.is(e)) return Mono.empty();
                    log.warn(
                            "Delivery {} could not be processed ({}); it is retried after {}",
                            deliveryId,
                            e.toString(),
                            settings.claimTimeout());
                    return Mono.empty();
                })
                .takeUntilOther(abandon.asMono())
                .doFinally(signal -> hold.end())
                .subscribe();
    }

    /** One delivery's hold on this worker: a slot, or, once it waits for a busy host, a parking place. */
    private final class Hold implements Slot {
        private volatile boolean isParked;

        @Override
        public boolean park() {
            if (isParked) return true; // waited for its endpoint, now for its host
            if (!parking.tryAcquire()) return false;
            isParked = true;
            parked.incrementAndGet();
            inFlight.decrementAndGet();
            slots.release();
            return true;
        }

        void end() {
            if (isParked) {
                parked.decrementAndGet();
                parking.release();
            } else {
                inFlight.decrementAndGet();
                slots.release();
            }
        }
    }

    private Mono<Void> attempt(Entry entry, Claimed claimed, Slot slot) {
        Mono<Void> attempt = attempts.attempt(entry.deliveryId(), claimed, slot);
        if (claimed == null || entry.deliveries() < POISON_AFTER) return attempt;
        return attempt.onErrorResume(
                e -> !StoreOutage.is(e),
                e -> attempts.giveUp(
                        claimed,
                        "cannot be processed (failed on " + entry.deliveries() + " tries of its queue entry): " + e));
    }

    private Mono<Void> acknowledge(Entry entry) {
        return consumer.ack(entry).onErrorResume(e -> {
            log.debug(
                    "Acknowledging queue entry {} failed ({}); a later claim finds it done", entry.id(), e.toString());
            return Mono.empty();
        });
    }

    private void queueFailed(RuntimeException e) {
        queueLog.failed(e);
        try {
            Thread.sleep(readBackoff.failed().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void queueRecovered() {
        readBackoff.succeeded();
        queueLog.succeeded();
    }
}
