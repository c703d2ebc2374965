package io.chis.runtime.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.DeliveryRepository;
import io.chis.runtime.dispatch.DeliveryRepository.Requeued;
import io.chis.runtime.dispatch.Sender;
import io.chis.runtime.queue.RedisWorkQueue;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.NettyLeakGuard;
import io.chis.runtime.testing.TestRuntime;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/** Schedulers side by side on one Redis and one PostgreSQL: nothing is moved or swept twice. */
@ExtendWith(NettyLeakGuard.class)
class SchedulerIT {

    private final Map<String, String> shared = TestRuntime.environment();
    private final List<ChisRuntime> runtimes = new ArrayList<>();
    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;

    @BeforeEach
    void connect() {
        client = RedisClient.create(shared.get("REDIS_URL"));
        redis = client.connect();
    }

    @AfterEach
    void stop() {
        runtimes.reversed().forEach(ChisRuntime::close);
        redis.close();
        client.shutdown();
    }

    private ChisRuntime start(String roles, String tick) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("CHIS_ROLES", roles);
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("CHIS_SCHEDULER_TICK", tick);
        env.put("CHIS_SWEEP_INTERVAL", "1h");
        ChisRuntime runtime = TestRuntime.start(env);
        runtimes.add(runtime);
        return runtime;
    }

    @Test
    void twoSchedulersMoveEachDueRetryIntoTheStreamExactlyOnce() {
        start("scheduler", "10ms");
        start("scheduler", "10ms");
        Map<String, Double> due = new HashMap<>();
        for (int i = 0; i < 2000; i++)
            due.put(UUID.randomUUID().toString(), (double) Instant.now().toEpochMilli());
        redis.sync()
                .zadd(
                        RedisWorkQueue.RETRIES,
                        due.entrySet().stream()
                                .map(e -> io.lettuce.core.ScoredValue.just(e.getValue(), e.getKey()))
                                .toArray(io.lettuce.core.ScoredValue[]::new));
        redis.sync()
                .zadd(
                        RedisWorkQueue.RETRIES,
                        (double) Instant.now().plusSeconds(3600).toEpochMilli(),
                        "later");

        await().atMost(Duration.ofSeconds(10)).until(() -> redis.sync().zcard(RedisWorkQueue.RETRIES) == 1);
        List<StreamMessage<String, String>> entries =
                redis.sync().xrange(RedisWorkQueue.STREAM, Range.create("-", "+"));
        assertThat(entries).hasSize(2000);
        assertThat(entries.stream()
                        .map(e -> e.getBody().get(RedisWorkQueue.FIELD))
                        .distinct())
                .hasSize(2000)
                .doesNotContain("later");
    }

    @Test
    void twoSweepsRunningTogetherTakeDisjointDeliveries() {
        ChisRuntime core = start("api,delivery", "1s");
        DeliveryRepository first = start("scheduler", "1s").context().getBean(DeliveryRepository.class);
        DeliveryRepository second = start("scheduler", "1s").context().getBean(DeliveryRepository.class);
        Sender sender = new Sender(core.settings().httpPort());
        for (int i = 0; i < 60; i++) sender.send("http://127.0.0.1:9/never", "{\"n\":" + i + "}");
        // Overdue now, after the schedulers' own first sweep (their next one is an hour away).
        new Db(shared.get("DATABASE_URL"))
                .query("update deliveries set next_attempt_at = now() - interval '10 minutes'");

        Set<UUID> swept = new HashSet<>();
        int total = 0;
        // Small batches, so that both sweeps are at work on the same rows at the same time.
        for (int round = 0; round < 20; round++) {
            var pair = Mono.zip(
                            first.sweep(Duration.ofMinutes(1), 7)
                                    .map(Requeued::id)
                                    .collectList(),
                            second.sweep(Duration.ofMinutes(1), 7)
                                    .map(Requeued::id)
                                    .collectList())
                    .block();
            total += pair.getT1().size() + pair.getT2().size();
            swept.addAll(pair.getT1());
            swept.addAll(pair.getT2());
        }
        assertThat(total).as("no delivery swept twice").isEqualTo(swept.size());
        assertThat(swept).hasSize(60);
    }

    /** Inserts {@code n} deliveries of one message, due ten minutes ago; returns their ids. */
    private List<UUID> overdueDeliveries(int n) {
        Db db = new Db(shared.get("DATABASE_URL"));
        UUID account = UUID.randomUUID(), message = UUID.randomUUID();
        db.query(
                "insert into accounts (id, email, password_hash) values (?, ?, 'x')",
                account,
                account + "@example.com");
        db.query("insert into messages (id, account_id, payload) values (?, ?, '\\x7b7d'::bytea)", message, account);
        return db.query("""
                        insert into deliveries (id, message_id, account_id, url, next_attempt_at)
                        select gen_random_uuid(), ?, ?, 'http://127.0.0.1:9/', now() - interval '10 minutes'
                        from generate_series(1, ?) returning id""", message, account, n).stream()
                .map(row -> (UUID) row.get("id"))
                .toList();
    }

    private List<String> streamedDeliveries() {
        return redis.sync().xrange(RedisWorkQueue.STREAM, Range.create("-", "+")).stream()
                .map(e -> e.getBody().get(RedisWorkQueue.FIELD))
                .toList();
    }

    @Test
    void aLostBacklogLargerThanABatchComesBackInOneSweep() {
        Scheduler scheduler = start("scheduler", "1s").context().getBean(Scheduler.class);
        int backlog = Scheduler.SWEEP_BATCH * 5 + 17;
        List<UUID> lost = overdueDeliveries(backlog);

        // the scheduler's own first sweep may still be running and take a share: together they bring back all, once
        assertThat(scheduler.sweep().block()).isPositive();
        assertThat(streamedDeliveries())
                .hasSize(backlog)
                .containsExactlyInAnyOrderElementsOf(
                        lost.stream().map(UUID::toString).toList());
        assertThat(scheduler.sweep().block()).as("nothing overdue any more").isZero();
    }

    @Test
    void theSweepLeavesDeliveriesWhoseEntryIsStillInTheStreamAlone() {
        ChisRuntime runtime = start("scheduler", "1s");
        Scheduler scheduler = runtime.context().getBean(Scheduler.class);
        List<UUID> waiting = overdueDeliveries(10);
        runtime.context().getBean(WorkQueue.class).enqueue(waiting).block();

        assertThat(scheduler.sweep().block())
                .as("a healthy backlog is not queued twice")
                .isZero();
        assertThat(streamedDeliveries()).hasSize(10);

        // Four entries lost (as after a Redis failover): only those come back.
        List<StreamMessage<String, String>> entries =
                redis.sync().xrange(RedisWorkQueue.STREAM, Range.create("-", "+"));
        redis.sync()
                .xdel(
                        RedisWorkQueue.STREAM,
                        entries.subList(0, 4).stream().map(StreamMessage::getId).toArray(String[]::new));
        new Db(shared.get("DATABASE_URL"))
                .query("update deliveries set next_attempt_at = now() - interval '10 minutes'");
        // the scheduler's own sweep (every second here) may take some or all of them first
        assertThat(scheduler.sweep().block()).isBetween(0L, 4L);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(streamedDeliveries())
                        .as("each delivery in the stream exactly once")
                        .hasSize(10)
                        .containsExactlyInAnyOrderElementsOf(
                                waiting.stream().map(UUID::toString).toList()));
    }

    @Test
    void departedWorkersArePrunedFromTheConsumerGroupButNotOnesWithEntriesPending() throws InterruptedException {
        WorkQueue queue = start("scheduler", "1s").context().getBean(WorkQueue.class);
        var sync = redis.sync();
        assertThat(queue.pruneDeparted(Duration.ofMillis(200)).block())
                .as("before any stream exists there is nobody to prune, and no error")
                .isZero();
        sync.xgroupCreate(
                StreamOffset.from(RedisWorkQueue.STREAM, "0"),
                RedisWorkQueue.GROUP,
                XGroupCreateArgs.Builder.mkstream());
        sync.xadd(
                RedisWorkQueue.STREAM,
                Map.of(RedisWorkQueue.FIELD, UUID.randomUUID().toString()));
        sync.xreadgroup(
                Consumer.from(RedisWorkQueue.GROUP, "holding"),
                XReadArgs.Builder.count(1),
                StreamOffset.lastConsumed(RedisWorkQueue.STREAM));
        sync.xgroupCreateconsumer(RedisWorkQueue.STREAM, Consumer.from(RedisWorkQueue.GROUP, "departed"));
        assertThat(sync.xinfoConsumers(RedisWorkQueue.STREAM, RedisWorkQueue.GROUP)
                        .toString())
                .contains("holding", "departed");
        Thread.sleep(300);

        assertThat(queue.pruneDeparted(Duration.ofMillis(200)).block()).isEqualTo(1L);
        assertThat(sync.xinfoConsumers(RedisWorkQueue.STREAM, RedisWorkQueue.GROUP)
                        .toString())
                .contains("holding")
                .doesNotContain("departed");
    }
}
