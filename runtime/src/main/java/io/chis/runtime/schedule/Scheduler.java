package io.chis.runtime.schedule;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.dispatch.DeliveryRepository;
import io.chis.runtime.dispatch.DeliveryRepository.Requeued;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.queue.DeliveryQueue;
import io.chis.runtime.queue.RetryQueue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The scheduler role. Every tick it moves due retries from the sorted set into the stream; every sweep interval
 * it re-queues from PostgreSQL what Redis lost (an enqueue that failed after the commit, a flushed or restarted
 * Redis, a worker that died holding a delivery). Both are safe with several schedulers: the move is one Lua
 * script, the sweep skips rows another scheduler has locked. It also publishes the queue gauges.
 */
public class Scheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final int MOVE_BATCH = 500;
    private static final int SWEEP_BATCH = 500;
    private static final Duration GAUGE_REFRESH = Duration.ofSeconds(5);
    // Every worker start joins the group under a new name; names silent this long with nothing pending are gone.
    private static final Duration CONSUMER_RETIREMENT = Duration.ofHours(1);
    private static final Duration CONSUMER_PRUNE_EVERY = Duration.ofMinutes(5);

    private final RetryQueue retries;
    private final DeliveryQueue queue;
    private final DeliveryRepository deliveries;
    private final MessageRepository messages;
    private final StatefulRedisConnection<String, String> redis;
    private final DeliverySettings settings;

    private final Counter retriesQueued;
    private final Counter sweepRequeued;
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong retriesWaiting = new AtomicLong();
    private final AtomicLong oldestDueMillis = new AtomicLong();

    private final Disposable.Composite tasks = Disposables.composite();
    private volatile boolean running;

    public Scheduler(
            RetryQueue retries,
            DeliveryQueue queue,
            DeliveryRepository deliveries,
            MessageRepository messages,
            StatefulRedisConnection<String, String> redis,
            ChisSettings settings,
            MeterRegistry registry) {
        this.retries = retries;
        this.queue = queue;
        this.deliveries = deliveries;
        this.messages = messages;
        this.redis = redis;
        this.settings = settings.delivery();
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
                () -> pruneConsumers(CONSUMER_RETIREMENT)));
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
        return retries.moveDue(Instant.now(), MOVE_BATCH)
                .expand(moved -> moved == MOVE_BATCH ? retries.moveDue(Instant.now(), MOVE_BATCH) : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(retriesQueued::increment);
    }

    /** Re-queues overdue and abandoned deliveries from PostgreSQL; returns how many. */
    Mono<Long> sweep() {
        return deliveries
                .sweep(settings.sweepGrace(), SWEEP_BATCH)
                .collectList()
                .flatMap(found -> found.isEmpty() ? Mono.just(0L) : requeue(found));
    }

    private Mono<Long> requeue(List<Requeued> found) {
        return Flux.fromIterable(found)
                .map(Requeued::messageId)
                .distinct()
                .concatMap(messages::refreshStatus)
                .then(queue.enqueue(found.stream().map(Requeued::id).toList()))
                .then(Mono.fromSupplier(() -> {
                    sweepRequeued.increment(found.size());
                    log.info("Sweep re-queued {} overdue or abandoned deliveries", found.size());
                    return (long) found.size();
                }));
    }

    /**
     * Removes consumers of workers that are gone: idle longer than {@code idle} with no unacknowledged entries
     * (their entries were taken over already). A live worker reads every second, so it is never idle that long,
     * and a removed name would simply be re-created by its next read.
     */
    Mono<Long> pruneConsumers(Duration idle) {
        var commands = redis.reactive();
        return commands.xinfoConsumers(DeliveryQueue.STREAM, DeliveryQueue.GROUP)
                .map(Scheduler::fields)
                .filter(c -> Long.valueOf(0).equals(c.get("pending"))
                        && c.get("idle") instanceof Long ms
                        && ms > idle.toMillis())
                .concatMap(c -> commands.xgroupDelconsumer(
                        DeliveryQueue.STREAM,
                        io.lettuce.core.Consumer.from(DeliveryQueue.GROUP, String.valueOf(c.get("name")))))
                .count()
                .doOnNext(removed -> {
                    if (removed > 0)
                        log.info("Removed {} departed worker(s) from consumer group {}", removed, DeliveryQueue.GROUP);
                })
                .onErrorResume(e -> String.valueOf(e.getMessage()).startsWith("NOGROUP"), noGroupYet -> Mono.just(0L));
    }

    // XINFO CONSUMERS answers each consumer as a flat name/value list.
    private static Map<String, Object> fields(Object consumer) {
        Map<String, Object> fields = new HashMap<>();
        if (consumer instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) fields.put(String.valueOf(list.get(i)), list.get(i + 1));
        }
        return fields;
    }

    private Mono<Void> refreshGauges() {
        var commands = redis.reactive();
        return Mono.when(
                commands.xlen(DeliveryQueue.STREAM).doOnNext(queueDepth::set),
                commands.xpending(DeliveryQueue.STREAM, DeliveryQueue.GROUP)
                        .doOnNext(p -> inFlight.set(p.getCount()))
                        .onErrorResume(noGroupYet -> {
                            inFlight.set(0);
                            return Mono.empty();
                        }),
                retries.size().doOnNext(retriesWaiting::set),
                deliveries.oldestDueAge().doOnNext(age -> oldestDueMillis.set(age.toMillis())));
    }

    /** Runs {@code task} every {@code period}, one run at a time, logging failures once until it works again. */
    private Disposable every(Duration period, String what, java.util.function.Supplier<Mono<?>> task) {
        AtomicBoolean failing = new AtomicBoolean();
        return Flux.interval(Duration.ZERO, period)
                .onBackpressureDrop()
                .concatMap(
                        tick -> Mono.defer(task)
                                .doOnSuccess(done -> {
                                    if (failing.compareAndSet(true, false)) log.info("Scheduler resumed {}", what);
                                })
                                .onErrorResume(e -> {
                                    if (failing.compareAndSet(false, true))
                                        log.warn("Scheduler failed {}: {}", what, e.toString());
                                    return Mono.empty();
                                }),
                        0)
                .subscribe();
    }
}
