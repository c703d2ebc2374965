package io.chis.runtime.queue;

import io.chis.runtime.config.SharedRedisConnection;
import io.chis.runtime.support.GroupCommit;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The work queue in Redis, and the only class that speaks its protocol: a stream ({@value #STREAM}) read by the
 * workers' consumer group ({@value #GROUP}), and a sorted set ({@value #RETRIES}) of ids scored by due time (epoch
 * ms). Due ids move into the stream in one Lua script, so schedulers side by side never move an id twice. A stream
 * or group that disappeared (a Redis restart or flush) is created again by the next read.
 */
@Component
public class RedisWorkQueue implements WorkQueue {

    public static final String STREAM = "chis:deliveries";
    public static final String GROUP = "chis-workers";
    public static final String FIELD = "d";
    public static final String RETRIES = "chis:retries";
    /** Each queued delivery's latest stream entry id, so the sweep can tell which deliveries are still queued. */
    public static final String QUEUED = "chis:queued";

    private static final Logger log = LoggerFactory.getLogger(RedisWorkQueue.class);
    private static final String SCAN_DONE = "0-0";

    // Each entry added to the stream is noted in the QUEUED hash in the same script.
    private static final String ENQUEUE = """
            for i = 2, #ARGV do
              redis.call('HSET', KEYS[2], ARGV[i], redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[i]))
            end
            return #ARGV - 1""";

    // Atomic: an id leaves the set exactly when it enters the stream, whichever scheduler runs it.
    private static final String MOVE_DUE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, id in ipairs(due) do
              redis.call('HSET', KEYS[3], id, redis.call('XADD', KEYS[2], '*', ARGV[3], id))
              redis.call('ZREM', KEYS[1], id)
            end
            return #due""";

    // ARGV: the group, then entry id and delivery id pairs. A delivery leaves QUEUED only with its latest entry.
    private static final String ACKNOWLEDGE = """
            for i = 2, #ARGV, 2 do
              redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
              redis.call('XDEL', KEYS[1], ARGV[i])
              if ARGV[i + 1] ~= '' and redis.call('HGET', KEYS[2], ARGV[i + 1]) == ARGV[i] then
                redis.call('HDEL', KEYS[2], ARGV[i + 1])
              end
            end
            return 1""";

    // A delivery is queued while its latest entry is still in the stream (a lost stream leaves stale hash fields).
    private static final String QUEUED_OF = """
            local queued = {}
            for _, id in ipairs(ARGV) do
              local entry = redis.call('HGET', KEYS[2], id)
              if entry then
                if #redis.call('XRANGE', KEYS[1], entry, entry) > 0 then
                  table.insert(queued, id)
                else
                  redis.call('HDEL', KEYS[2], id)
                end
              end
            end
            return queued""";

    private final RedisClient client;
    private final SharedRedisConnection redis;
    private final GroupCommit<Entry, Boolean> acknowledgements = new GroupCommit<>(this::acknowledgeAll, 256, 2);

    public RedisWorkQueue(RedisClient client, SharedRedisConnection redis) {
        this.client = client;
        this.redis = redis;
    }

    /** Appends the ids to the stream in one script, noting each one's entry in {@value #QUEUED}. */
    @Override
    public Mono<Void> enqueue(Collection<UUID> deliveryIds) {
        if (deliveryIds.isEmpty()) return Mono.empty();
        List<String> args = new ArrayList<>(deliveryIds.size() + 1);
        args.add(FIELD);
        deliveryIds.forEach(id -> args.add(id.toString()));
        return redis.reactive()
                .flatMap(commands -> commands.<Long>eval(
                                ENQUEUE,
                                ScriptOutputType.INTEGER,
                                new String[] {STREAM, QUEUED},
                                args.toArray(String[]::new))
                        .then());
    }

    @Override
    public Mono<Set<UUID>> queued(Collection<UUID> deliveryIds) {
        if (deliveryIds.isEmpty()) return Mono.just(Set.of());
        return redis.reactive()
                .flatMapMany(commands -> commands.<List<String>>eval(
                        QUEUED_OF,
                        ScriptOutputType.MULTI,
                        new String[] {STREAM, QUEUED},
                        deliveryIds.stream().map(UUID::toString).toArray(String[]::new)))
                .flatMapIterable(ids -> ids)
                .map(UUID::fromString)
                .collect(Collectors.toSet());
    }

    @Override
    public Mono<Void> schedule(UUID deliveryId, Instant due) {
        return redis.reactive()
                .flatMap(commands -> commands.zadd(RETRIES, (double) due.toEpochMilli(), deliveryId.toString()))
                .then();
    }

    @Override
    public Mono<Long> moveDue(Instant now, int limit) {
        return redis.reactive()
                .flatMap(commands -> commands.<Long>eval(
                                MOVE_DUE,
                                ScriptOutputType.INTEGER,
                                new String[] {RETRIES, STREAM, QUEUED},
                                String.valueOf(now.toEpochMilli()),
                                String.valueOf(limit),
                                FIELD)
                        .next())
                .defaultIfEmpty(0L);
    }

    @Override
    public Mono<Stats> stats() {
        return redis.reactive()
                .flatMap(commands -> Mono.zip(
                        commands.xlen(STREAM),
                        commands.xpending(STREAM, GROUP)
                                .map(pending -> pending.getCount())
                                .onErrorResume(noGroupYet -> Mono.just(0L)),
                        commands.zcard(RETRIES)))
                .map(t -> new Stats(t.getT1(), t.getT2(), t.getT3()));
    }

    /**
     * Every worker start joins the group under a new name; this removes names idle longer than {@code idle} with
     * no unacknowledged entries. A live worker reads every second, so it is never idle that long, and a removed
     * name would simply be created again by its next read.
     */
    @Override
    public Mono<Long> pruneDeparted(Duration idle) {
        return redis.reactive()
                .flatMap(commands -> commands.xinfoConsumers(STREAM, GROUP)
                        .map(RedisWorkQueue::fields)
                        .filter(c -> Long.valueOf(0).equals(c.get("pending"))
                                && c.get("idle") instanceof Long ms
                                && ms > idle.toMillis())
                        .concatMap(c -> commands.xgroupDelconsumer(
                                STREAM, io.lettuce.core.Consumer.from(GROUP, String.valueOf(c.get("name")))))
                        .count())
                .doOnNext(removed -> {
                    if (removed > 0) log.info("Removed {} departed worker(s) from consumer group {}", removed, GROUP);
                })
                // no stream yet (Redis answers "ERR no such key") or no group yet: nobody to prune
                .onErrorResume(
                        e -> String.valueOf(e.getMessage()).startsWith("NOGROUP")
                                || String.valueOf(e.getMessage()).contains("no such key"),
                        nothingYet -> Mono.just(0L));
    }

    // XINFO CONSUMERS answers each consumer as a flat name/value list.
    private static Map<String, Object> fields(Object consumer) {
        Map<String, Object> fields = new HashMap<>();
        if (consumer instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) fields.put(String.valueOf(list.get(i)), list.get(i + 1));
        }
        return fields;
    }

    @Override
    public WorkQueue.Consumer consumer(String name, Duration claimTimeout) {
        return new Consumer(name, claimTimeout);
    }

    // Entries finished together are acknowledged together, in one script for the lot.
    private Mono<List<Boolean>> acknowledgeAll(List<Entry> entries) {
        List<String> args = new ArrayList<>(entries.size() * 2 + 1);
        args.add(GROUP);
        for (Entry entry : entries) {
            args.add(entry.id());
            args.add(entry.deliveryId() == null ? "" : entry.deliveryId().toString());
        }
        return redis.reactive()
                .flatMap(commands -> commands.<Long>eval(
                                ACKNOWLEDGE,
                                ScriptOutputType.INTEGER,
                                new String[] {STREAM, QUEUED},
                                args.toArray(String[]::new))
                        .then())
                .thenReturn(List.of());
    }

    /**
     * A worker in the group. It reads on a connection of its own (XREADGROUP blocks it) and, every
     * {@code claimEvery}, scans the group's pending entries with XAUTOCLAIM for ones idle past the claim timeout.
     */
    private final class Consumer implements WorkQueue.Consumer {

        private final io.lettuce.core.Consumer<String> consumer;
        private final Duration claimTimeout;
        private final Duration claimEvery;
        private String claimCursor = SCAN_DONE;
        private long nextClaim = System.nanoTime();
        private StatefulRedisConnection<String, String> connection;

        Consumer(String name, Duration claimTimeout) {
            this.consumer = io.lettuce.core.Consumer.from(GROUP, name);
            this.claimTimeout = claimTimeout;
            // Often enough that a dead worker's entries wait little beyond the claim timeout.
            Duration quarter = claimTimeout.dividedBy(4);
            this.claimEvery = quarter.compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15) : quarter;
        }

        @Override
        public String name() {
            return consumer.getName();
        }

        @Override
        public List<Entry> receive(int max, Duration wait) {
            try {
                RedisCommands<String, String> commands = connection();
                List<StreamMessage<String, String>> batch = new ArrayList<>();
                Map<String, Long> deliveries = Map.of();
                if (System.nanoTime() - nextClaim >= 0) {
                    ClaimedMessages<String, String> claimed = commands.xautoclaim(
                            STREAM,
                            XAutoClaimArgs.Builder.xautoclaim(consumer, claimTimeout, claimCursor)
                                    .count(max));
                    claimCursor = claimed.getId() == null ? SCAN_DONE : claimed.getId();
                    for (StreamMessage<String, String> entry : claimed.getMessages()) {
                        if (entry != null) batch.add(entry);
                    }
                    if (!batch.isEmpty()) {
                        log.info("Worker {} took over {} stalled deliveries", name(), batch.size());
                        deliveries = deliveryCounts(commands, batch);
                    }
                    if (SCAN_DONE.equals(claimCursor)) nextClaim = System.nanoTime() + claimEvery.toNanos();
                }
                if (batch.isEmpty()) {
                    List<StreamMessage<String, String>> read = commands.xreadgroup(
                            consumer, XReadArgs.Builder.block(wait).count(max), StreamOffset.lastConsumed(STREAM));
                    if (read != null) batch.addAll(read);
                }
                return entries(batch, deliveries);
            } catch (RedisCommandExecutionException e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOGROUP")) throw e;
                createGroup();
                return List.of();
            }
        }

        // XAUTOCLAIM does not answer the delivery counts it raised; XPENDING over the taken-over range does.
        private Map<String, Long> deliveryCounts(
                RedisCommands<String, String> commands, List<StreamMessage<String, String>> taken) {
            Map<String, Long> counts = new HashMap<>();
            for (StreamMessage<String, String> entry : taken) {
                for (PendingMessage pending : commands.xpending(
                        STREAM, consumer, Range.create(entry.getId(), entry.getId()), Limit.from(1))) {
                    counts.put(pending.getId(), pending.getRedeliveryCount());
                }
            }
            return counts;
        }

        private List<Entry> entries(List<StreamMessage<String, String>> batch, Map<String, Long> deliveries) {
            List<Entry> entries = new ArrayList<>(batch.size());
            for (StreamMessage<String, String> message : batch) {
                String raw =
                        message.getBody() == null ? null : message.getBody().get(FIELD);
                try {
                    entries.add(new Entry(
                            message.getId(), UUID.fromString(raw), deliveries.getOrDefault(message.getId(), 1L)));
                } catch (IllegalArgumentException | NullPointerException malformed) {
                    log.warn("Dropping stream entry {} with a malformed delivery id '{}'", message.getId(), raw);
                    ack(new Entry(message.getId(), null, 1))
                            .onErrorResume(e -> Mono.empty())
                            .subscribe();
                }
            }
            return entries;
        }

        @Override
        public Mono<Void> ack(Entry entry) {
            return acknowledgements.submit(entry).then();
        }

        private RedisCommands<String, String> connection() {
            if (connection == null) {
                connection = client.connect();
                createGroup();
            }
            return connection.sync();
        }

        /** Creates the stream and group (from the stream's start, so entries added before the group are read too). */
        private void createGroup() {
            try {
                connection
                        .sync()
                        .xgroupCreate(StreamOffset.from(STREAM, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
                log.info("Created consumer group {} on stream {}", GROUP, STREAM);
            } catch (RedisBusyException alreadyThere) {
                // another worker created it first
            }
        }

        @Override
        public void close() {
            if (connection != null) connection.close();
        }
    }
}
