package io.chis.runtime.dispatch;

import static io.chis.runtime.queue.DeliveryQueue.FIELD;
import static io.chis.runtime.queue.DeliveryQueue.GROUP;
import static io.chis.runtime.queue.DeliveryQueue.STREAM;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.support.GroupCommit;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * The worker role: reads delivery ids from the stream through the {@code chis-workers} consumer group and hands
 * each to {@link WebhookSender}, never more than {@code CHIS_WORKER_CONCURRENCY} at once (it reads only as many
 * entries as it has free slots, so Redis holds the backlog, not this process). Entries another worker took but
 * left unacknowledged for longer than the claim timeout are taken over with XAUTOCLAIM. A missing stream or
 * group (a Redis restart or flush) is created again.
 */
public class Worker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration READ_BLOCK = Duration.ofSeconds(1);
    private static final String SCAN_DONE = "0-0";
    private static final int BATCH_GATHER = 16;

    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> shared;
    private final WebhookSender sender;
    private final DeliverySettings settings;
    private final Semaphore slots;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Consumer<String> consumer;
    private final Duration claimEvery;
    private final Sinks.Empty<Void> abandon = Sinks.empty();
    private final GroupCommit<String, Boolean> acknowledgements = new GroupCommit<>(this::acknowledgeAll, 256, 2);

    private volatile boolean running;
    private Thread reader;
    private StatefulRedisConnection<String, String> connection;
    private boolean redisFailing;

    public Worker(
            RedisClient redisClient,
            StatefulRedisConnection<String, String> shared,
            WebhookSender sender,
            ChisSettings settings,
            MeterRegistry registry) {
        this.redisClient = redisClient;
        this.shared = shared;
        this.sender = sender;
        this.settings = settings.delivery();
        this.slots = new Semaphore(this.settings.concurrency());
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        this.consumer =
                Consumer.from(GROUP, host + "-" + UUID.randomUUID().toString().substring(0, 8));
        // Often enough that a dead worker's entries wait little beyond the claim timeout.
        Duration quarter = this.settings.claimTimeout().dividedBy(4);
        this.claimEvery = quarter.compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15) : quarter;
        Gauge.builder("chis.worker.in.flight", inFlight, AtomicInteger::get)
                .description("Attempts this worker has in flight")
                .register(registry);
    }

    public String consumerName() {
        return consumer.getName();
    }

    @Override
    public void start() {
        running = true;
        reader = Thread.ofPlatform().name("chis-worker-reader").daemon().start(this::readLoop);
        log.info(
                "Worker {} reading {} (concurrency {}, timeout {}, claim timeout {})",
                consumer.getName(),
                STREAM,
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
            while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            if (inFlight.get() > 0) {
                log.warn(
                        "Worker {} stopping with {} attempt(s) in flight; other workers take them over after {}",
                        consumer.getName(),
                        inFlight.get(),
                        settings.claimTimeout());
            }
            abandon.tryEmitEmpty();
            if (reader != null) reader.join(READ_BLOCK.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            abandon.tryEmitEmpty();
            if (connection != null) connection.close();
            reader = null;
        }
    }

    @Override
    public boolean isRunning() {
        return reader != null;
    }

    private void readLoop() {
        String claimCursor = SCAN_DONE;
        long nextClaim = System.nanoTime();
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
                RedisCommands<String, String> redis = connection();
                List<StreamMessage<String, String>> batch = new ArrayList<>();
                if (System.nanoTime() - nextClaim >= 0) {
                    ClaimedMessages<String, String> claimed = redis.xautoclaim(
                            STREAM,
                            XAutoClaimArgs.Builder.xautoclaim(consumer, settings.claimTimeout(), claimCursor)
                                    .count(free));
                    claimCursor = claimed.getId() == null ? SCAN_DONE : claimed.getId();
                    for (StreamMessage<String, String> entry : claimed.getMessages()) {
                        if (entry != null) batch.add(entry);
                    }
                    if (!batch.isEmpty())
                        log.info("Worker {} took over {} stalled deliveries", consumer.getName(), batch.size());
                    if (SCAN_DONE.equals(claimCursor)) nextClaim = System.nanoTime() + claimEvery.toNanos();
                }
                if (batch.isEmpty()) {
                    List<StreamMessage<String, String>> read = redis.xreadgroup(
                            consumer,
                            XReadArgs.Builder.block(READ_BLOCK).count(free),
                            StreamOffset.lastConsumed(STREAM));
                    if (read != null) batch.addAll(read);
                }
                redisRecovered();
                free -= batch.size();
                dispatch(batch);
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    createGroup();
                } else {
                    redisFailed(e);
                }
            } catch (RedisException e) {
                if (running) redisFailed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                if (free > 0) slots.release(free);
            }
        }
    }

    /** Claims the batch's deliveries in one statement, then makes and acknowledges each attempt on its own. */
    private void dispatch(List<StreamMessage<String, String>> batch) {
        if (batch.isEmpty()) return;
        List<UUID> entryIds = new ArrayList<>(batch.size());
        for (StreamMessage<String, String> entry : batch) entryIds.add(deliveryId(entry));
        List<UUID> ids = entryIds.stream().filter(Objects::nonNull).distinct().toList();
        Mono<Map<UUID, Claimed>> claims =
                ids.isEmpty() ? Mono.just(Map.of()) : sender.claim(ids).cache();
        Set<UUID> taken = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            UUID id = entryIds.get(i);
            // a second entry for the same delivery in this batch must not attempt it again
            dispatch(batch.get(i), id, id != null && taken.add(id) ? claims : Mono.just(Map.of()));
        }
    }

    private void dispatch(StreamMessage<String, String> entry, UUID deliveryId, Mono<Map<UUID, Claimed>> claims) {
        Mono<Void> work = deliveryId == null
                ? Mono.empty()
                : claims.flatMap(claimed -> sender.send(deliveryId, claimed.get(deliveryId)));
        inFlight.incrementAndGet();
        work.then(Mono.defer(() -> acknowledge(entry.getId())))
                .onErrorResume(e -> {
                    // Not acknowledged: the entry stays pending and is claimed again after the claim timeout.
                    log.warn(
                            "Delivery {} could not be processed ({}); it is retried after {}",
                            deliveryId,
                            e.toString(),
                            settings.claimTimeout());
                    return Mono.empty();
                })
                .takeUntilOther(abandon.asMono())
                .doFinally(signal -> {
                    inFlight.decrementAndGet();
                    slots.release();
                })
                .subscribe();
    }

    private Mono<Void> acknowledge(String entryId) {
        return acknowledgements
                .submit(entryId)
                .onErrorResume(e -> {
                    log.debug(
                            "Acknowledging stream entry {} failed ({}); a later claim finds it done",
                            entryId,
                            e.toString());
                    return Mono.empty();
                })
                .then();
    }

    // Entries finished together are acknowledged together: one XACK and one XDEL, pipelined, for the lot.
    private Mono<List<Boolean>> acknowledgeAll(List<String> entryIds) {
        String[] ids = entryIds.toArray(String[]::new);
        return Mono.when(
                        shared.reactive().xack(STREAM, GROUP, ids),
                        shared.reactive().xdel(STREAM, ids))
                .thenReturn(List.of());
    }

    private static UUID deliveryId(StreamMessage<String, String> entry) {
        String raw = entry.getBody() == null ? null : entry.getBody().get(FIELD);
        try {
            return raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            log.warn("Dropping stream entry {} with a malformed delivery id '{}'", entry.getId(), raw);
            return null;
        }
    }

    private RedisCommands<String, String> connection() {
        if (connection == null) {
            connection = redisClient.connect();
            createGroup();
        }
        return connection.sync();
    }

    /** Creates the stream and group (from the stream's start, so entries added before the group are read too). */
    private void createGroup() {
        try {
            connection.sync().xgroupCreate(StreamOffset.from(STREAM, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
            log.info("Created consumer group {} on stream {}", GROUP, STREAM);
        } catch (RedisBusyException alreadyThere) {
            // another worker created it first
        } catch (RedisException e) {
            redisFailed(e);
        }
    }

    private void redisFailed(RedisException e) {
        if (!redisFailing) log.warn("Worker cannot read the delivery stream ({}); retrying every second", e.toString());
        else log.debug("Worker still cannot read the delivery stream: {}", e.toString());
        redisFailing = true;
        try {
            Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void redisRecovered() {
        if (redisFailing) log.info("Worker reads the delivery stream again");
        redisFailing = false;
    }
}
