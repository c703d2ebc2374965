package io.chis.runtime.schedule;

import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.dispatch.DeliveryRepository;
import io.chis.runtime.dispatch.DeliveryRepository.Requeued;
import io.chis.runtime.endpoint.FailingEndpoints;
import io.chis.runtime.persist.HistoryPartitions;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.support.Backoff;
import io.chis.runtime.support.OutageLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The scheduler role. Every tick it moves due retries forward in the {@link WorkQueue}; every sweep interval it
 * re-queues from PostgreSQL what the queue lost (an enqueue that failed after the commit, a flushed or restarted
 * Redis, a worker that died holding a delivery). Both are safe with several schedulers: the move is atomic in the
 * queue, the sweep skips rows another scheduler has locked. It also prunes departed workers from the queue and
 * publishes the queue gauges.
 */
public class Scheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final int MOVE_BATCH = 500;
    // The sweep's first batch; while full batches come back it doubles, up to SWEEP_MAX_BATCH, so a backlog Redis
    // lost (a flush, a restart without persistence) comes back in minutes, and stops at SWEEP_MAX_PER_RUN a run.
    static final int SWEEP_BATCH = 500;
    static final int SWEEP_MAX_BATCH = 10_000;
    static final int SWEEP_MAX_PER_RUN = 200_000;
    private static final Duration GAUGE_REFRESH = Duration.ofSeconds(5);
    // Every worker start joins the group under a new name; names silent this long with nothing pending are gone.
    private static final Duration CONSUMER_RETIREMENT = Duration.ofHours(1);
    private static final Duration CONSUMER_PRUNE_EVERY = Duration.ofMinutes(5);
    // Partitions are made a week ahead, so a scheduler down for days still finds today's in place.
    private static final Duration HISTORY_EVERY = Duration.ofHours(1);
    static final int PARTITIONS_AHEAD_DAYS = 7;
    private static final int KEY_EXPIRY_BATCH = 10_000;

    private final WorkQueue queue;
    private final DeliveryRepository deliveries;
    private final MessageRepository messages;
    private final DeliverySettings settings;
    private final HistoryPartitions history;
    private final FailingEndpoints failingEndpoints;

    private final Counter retriesQueued;
    private final Counter sweepRequeued;
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong retriesWaiting = new AtomicLong();
    private final AtomicLong oldestDueMillis = new AtomicLong();

    private final Disposable.Composite tasks = Disposables.composite();
    private volatile boolean running;

    public Scheduler(
            WorkQueue queue,
            DeliveryRepository deliveries,
            MessageRepository messages,
            DeliverySettings settings,
            HistoryPartitions history,
            FailingEndpoints failingEndpoints,
            MeterRegistry registry) {
        this.queue = queue;
        this.failingEndpoints = failingEndpoints;
        this.history = history;
        this.deliveries = deliveries;
        this.messages = messages;
        this.settings = settings;
        this.retriesQueued = Counter.builder("chis.retries.queued")
                .description("Due retries moved from the retry set to the delivery stream")
                .register(registry);
        this.sweepRequeued = Counter.builder("chis.sweep.requeued")
                .description("Deliveries re-queued from PostgreSQL because Redis lost them or their worker died")
                .register(registry);
        Gauge.builder("chis.queue.depth", queueDepth, AtomicLong::get)
                .description("Entries in the delivery stream: waiting for a worker or being delivered")
                .register(registry);
        Gauge.builder("chis.queue.in.flight", inFlight, AtomicLong::get)
                .description("Stream entries read by a worker and not yet acknowledged")
                .register(registry);
        Gauge.builder("chis.retries.waiting", retriesWaiting, AtomicLong::get)
                .description("Deliveries waiting in the retry set for their next attempt")
                .register(registry);
        Gauge.builder("chis.oldest.pending.age", oldestDueMillis, millis -> millis.get() / 1000.0)
                .description("How long the longest-waiting due delivery has waited for an attempt")
                .baseUnit("seconds")
                .register(registry);
    }

    @Override
    public void start() {
        running = true;
        tasks.add(every(settings.schedulerTick(), "moving due retries", this::moveDueRetries));
        tasks.add(every(settings.sweepInterval(), "sweeping for lost deliveries", this::sweep));
        tasks.add(every(
                GAUGE_REFRESH.compareTo(settings.sweepInterval()) < 0 ? GAUGE_REFRESH : settings.sweepInterval(),
                "reading queue gauges",
                this::refreshGauges));
        tasks.add(every(
                CONSUMER_PRUNE_EVERY,
                "pruning departed workers from the consumer group",
                () -> queue.pruneDeparted(CONSUMER_RETIREMENT)));
        tasks.add(every(HISTORY_EVERY, "keeping the history's partitions", this::maintainHistory));
        if (failingEndpoints != null) {
            tasks.add(every(
                    failingEndpoints.period(),
                    "disabling endpoints that fail past CHIS_ENDPOINT_DISABLE_AFTER",
                    failingEndpoints::disableDue));
        }
        log.info(
                "Scheduler moving retries every {}, sweeping every {} for deliveries overdue by {}",
                settings.schedulerTick(),
                settings.sweepInterval(),
                settings.sweepGrace());
    }

    @Override
    public void stop() {
        running = false;
        tasks.dispose();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Moves retries whose time has come into the stream, in batches until none is due. */
    Mono<Long> moveDueRetries() {
        return queue.moveDue(Instant.now(), MOVE_BATCH)
                .expand(moved -> moved == MOVE_BATCH ? queue.moveDue(Instant.now(), MOVE_BATCH) : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(retriesQueued::increment);
    }

    /**
     * Re-queues overdue and abandoned deliveries from PostgreSQL that the queue no longer holds, in batches while
     * full ones come back; returns how many were queued again.
     */
    Mono<Long> sweep() {
        return sweepBatch(SWEEP_BATCH)
                .expand(batch -> batch.found() == batch.size() && batch.sweptSoFar() < SWEEP_MAX_PER_RUN
                        ? sweepBatch(Math.min(batch.size() * 2, SWEEP_MAX_BATCH))
                                .map(next -> next.after(batch))
                        : Mono.empty())
                .map(SweptBatch::requeued)
                .reduce(0L, Long::sum)
                .doOnNext(requeued -> {
                    if (requeued > 0) log.info("Sweep re-queued {} overdue or abandoned deliveries", requeued);
                });
    }

    private record SweptBatch(int size, int found, long requeued, long sweptSoFar) {
        SweptBatch after(SweptBatch previous) {
            return new SweptBatch(size, found, requeued, previous.sweptSoFar() + found);
        }
    }

    private Mono<SweptBatch> sweepBatch(int size) {
        return deliveries
                .sweep(settings.sweepGrace(), size)
                .collectList()
                .flatMap(found -> found.isEmpty()
                        ? Mono.just(new SweptBatch(size, 0, 0, 0))
                        : requeue(found).map(requeued -> new SweptBatch(size, found.size(), requeued, found.size())));
    }

    // Deliveries whose entry is still in the queue (a healthy backlog, an entry a worker will take over) keep it:
    // a second entry would only be a duplicate.
    private Mono<Long> requeue(List<Requeued> found) {
        List<UUID> messageIds =
                found.stream().map(Requeued::messageId).distinct().toList();
        return messages.refreshStatuses(messageIds)
                .then(queue.queued(found.stream().map(Requeued::id).toList()))
                .flatMap(queued -> {
                    List<UUID> lost = found.stream()
                            .map(Requeued::id)
                            .filter(id -> !queued.contains(id))
                            .toList();
                    return queue.enqueue(lost).thenReturn((long) lost.size());
                })
                .doOnNext(sweepRequeued::increment);
    }

    /**
     * Makes the partitions ahead, drops whole days past {@code CHIS_RETENTION} (oldest first, one day per
     * transaction), expires idempotency keys past their 24 hours and forgets deleted endpoints' counters.
     */
    public Mono<Void> maintainHistory() {
        return history.createAhead(PARTITIONS_AHEAD_DAYS)
                .then(history.days().collectList())
                .flatMapMany(
                        days -> Flux.fromIterable(HistoryPartitions.expired(days, Instant.now(), settings.retention())))
                .concatMap(day -> history.drop(day).doOnNext(dropped -> {
                    if (dropped) log.info("Retention dropped the messages, deliveries and attempts of {}", day);
                }))
                .then(history.expireIdempotencyKeys(KEY_EXPIRY_BATCH)
                        .expand(n ->
                                n == KEY_EXPIRY_BATCH ? history.expireIdempotencyKeys(KEY_EXPIRY_BATCH) : Mono.empty())
                        .then())
                .then(history.forgetDeletedEndpoints())
                .then();
    }

    private Mono<Void> refreshGauges() {
        return Mono.when(
                queue.stats().doOnNext(stats -> {
                    queueDepth.set(stats.queued());
                    inFlight.set(stats.leased());
                    retriesWaiting.set(stats.scheduled());
                }),
                deliveries.oldestDueAge().doOnNext(age -> oldestDueMillis.set(age.toMillis())));
    }

    /**
     * Runs {@code task} every {@code period}, one run at a time, logging failures once until it works again ({@link
     * OutageLog}); after a failure it waits with {@link Backoff} (at most 5 s) before trying again rather than failing
     * every tick.
     */
    public static Disposable every(Duration period, String what, java.util.function.Supplier<Mono<?>> task) {
        OutageLog outage = new OutageLog(log, "Scheduler failed " + what, "Scheduler resumed " + what);
        Backoff backoff = new Backoff();
        AtomicLong notBefore = new AtomicLong(System.nanoTime());
        return Flux.interval(Duration.ZERO, period)
                .onBackpressureDrop()
                .filter(tick -> System.nanoTime() - notBefore.get() >= 0)
                .concatMap(
                        tick -> Mono.defer(task)
                                .doOnSuccess(done -> {
                                    backoff.succeeded();
                                    outage.succeeded();
                                })
                                .onErrorResume(e -> {
                                    notBefore.set(
                                            System.nanoTime() + backoff.failed().toNanos());
                                    outage.failed(e);
                                    return Mono.empty();
                                }),
                        0)
                .subscribe();
    }
}
