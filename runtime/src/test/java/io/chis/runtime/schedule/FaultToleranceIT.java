package io.chis.runtime.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.dispatch.Receiver.Reply;
import io.chis.runtime.dispatch.Sender;
import io.chis.runtime.queue.RedisWorkQueue;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.NettyLeakGuard;
import io.chis.runtime.testing.TestRuntime;
import io.chis.runtime.testing.TestStores;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * At-least-once under faults (README "Nothing lost, nothing stuck"): a worker stopped mid-attempt, a flushed Redis, an enqueue that never
 * reached Redis, and several workers and schedulers side by side. Each test runs its own runtimes on a fresh
 * database and Redis index, with short timeouts so that take-overs happen in seconds.
 */
@ExtendWith(NettyLeakGuard.class)
class FaultToleranceIT {

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, String> shared = TestRuntime.environment();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : running.reversed()) closeable.close();
    }

    /** A runtime with these roles on the test's database and Redis, with short delivery timings. */
    private ChisRuntime start(String roles, Consumer<Map<String, String>> tuning) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("CHIS_ROLES", roles);
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        if (!roles.contains("delivery")) env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("CHIS_DELIVERY_TIMEOUT", "3s");
        env.put("CHIS_CLAIM_TIMEOUT", "6s");
        env.put("CHIS_SCHEDULER_TICK", "100ms");
        env.put("CHIS_SWEEP_INTERVAL", "1s");
        env.put("CHIS_SWEEP_GRACE", "2s");
        env.put("CHIS_WORKER_SHUTDOWN_GRACE", "0");
        tuning.accept(env);
        ChisRuntime runtime = TestRuntime.start(env);
        running.add(runtime);
        return runtime;
    }

    private ChisRuntime start(String roles) {
        return start(roles, env -> {});
    }

    private Receiver receiver(Receiver.Script script) {
        Receiver receiver = Receiver.start(script);
        running.add(receiver);
        return receiver;
    }

    private void flushRedis() {
        RedisClient client = RedisClient.create(shared.get("REDIS_URL"));
        try (var connection = client.connect()) {
            connection.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }

    private <T> T redis(Function<RedisCommands<String, String>, T> command) {
        RedisClient client = RedisClient.create(shared.get("REDIS_URL"));
        try (var connection = client.connect()) {
            return command.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aWorkerStoppedMidAttemptIsTakenOverAfterTheClaimTimeoutWithTheSameWebhookId() {
        // No sweep during the test: only the consumer group's XAUTOCLAIM can bring the delivery back.
        ChisRuntime core = start("api,delivery,scheduler", env -> env.put("CHIS_SWEEP_INTERVAL", "1h"));
        Sender sender = new Sender(core.settings().httpPort());
        Receiver receiver = receiver((n, request) -> n == 0 ? Reply.ok().after(Duration.ofSeconds(20)) : Reply.ok());
        ChisRuntime firstWorker = start("worker");

        String id = sender.send(receiver.url("/slow-then-fine"), "{\"order\":7}");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests().size() == 1);
        long stoppedAt = System.nanoTime();
        firstWorker.close(); // mid-attempt: the receiver has the request and has not answered
        assertThat(sender.status(id)).isEqualTo("delivering");

        start("worker");
        sender.awaitStatus(id, "delivered", Duration.ofSeconds(20));
        Duration takeover = Duration.ofNanos(receiver.requests().get(1).arrivedNanos() - stoppedAt);
        System.out.println("Delivery taken over " + takeover + " after its worker stopped (claim timeout 6s)");

        assertThat(receiver.requests())
                .hasSize(2)
                .extracting(r -> r.header("webhook-id"))
                .containsOnly(id);
        assertThat(takeover).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(12));
        // The stopped attempt left no record; the completed one did.
        assertThat(sender.attempts(id))
                .singleElement()
                .satisfies(a -> assertThat(a.get("statusCode")).isEqualTo(200));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(this.<Long>redis(r -> r.xpending(RedisWorkQueue.STREAM, RedisWorkQueue.GROUP)
                            .getCount()))
                    .isZero();
            assertThat(this.<Long>redis(r -> r.xlen(RedisWorkQueue.STREAM))).isZero();
        });
    }

    @Test
    void aWorkerStoppedGracefullyFinishesItsAttemptFirst() {
        ChisRuntime core = start("api,delivery,scheduler");
        Sender sender = new Sender(core.settings().httpPort());
        Receiver receiver = receiver((n, request) -> Reply.ok().after(Duration.ofSeconds(1)));
        ChisRuntime worker = start("worker", env -> env.put("CHIS_WORKER_SHUTDOWN_GRACE", "10s"));

        String id = sender.send(receiver.url("/graceful"), "{}");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests().size() == 1);
        worker.close();

        assertThat(sender.status(id)).isEqualTo("delivered");
        assertThat(sender.attempts(id))
                .singleElement()
                .satisfies(a -> assertThat(a.get("statusCode")).isEqualTo(200));
    }

    @Test
    void aFlushedRedisLosesNothingAndTheConsumerGroupComesBack() {
        ChisRuntime all = start("all");
        Sender sender = new Sender(all.settings().httpPort());
        Receiver waiting =
                receiver((n, request) -> n == 0 ? Reply.status(429).withHeader("Retry-After", "4") : Reply.ok());
        Receiver later = receiver((n, request) -> Reply.ok());

        String retrying = sender.send(waiting.url("/retry-set"), "{\"a\":1}");
        await().atMost(Duration.ofSeconds(5)).until(() -> "retrying".equals(sender.status(retrying)));
        assertThat(this.<Long>redis(r -> r.zcard(RedisWorkQueue.RETRIES))).isEqualTo(1L);

        flushRedis(); // the retry set, the stream and the consumer group are gone
        String afterFlush = sender.send(later.url("/after-flush"), "{\"b\":2}");

        sender.awaitStatus(afterFlush, "delivered", Duration.ofSeconds(15));
        sender.awaitStatus(retrying, "delivered", Duration.ofSeconds(20));
        assertThat(waiting.requests())
                .hasSize(2)
                .extracting(r -> r.header("webhook-id"))
                .containsOnly(retrying);
        assertThat(waiting.gaps().get(0))
                .as("Retry-After still honoured")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        assertThat(later.requests()).hasSize(1);
        assertThat(this.<Object>redis(r -> r.xinfoGroups(RedisWorkQueue.STREAM)).toString())
                .contains(RedisWorkQueue.GROUP);
        Db db = new Db(shared.get("DATABASE_URL"));
        assertThat(db.count("select count(*) from deliveries where status <> 'delivered'"))
                .isZero();
    }

    @Test
    void aRedisRestartLosesNothingEvenWhatWasSentWhileItWasDown() throws Exception {
        ChisRuntime all = start("all");
        Sender sender = new Sender(all.settings().httpPort());
        Receiver receiver = receiver((n, request) -> Reply.ok());
        String before = sender.send(receiver.url("/before"), "{\"when\":\"before\"}");
        sender.awaitStatus(before, "delivered", Duration.ofSeconds(10));

        var redisServer = TestStores.get().redis();
        String during;
        redisServer.stop();
        try {
            // Committed in PostgreSQL and answered 202; the enqueue fails and is left to the sweep.
            during = sender.send(receiver.url("/during"), "{\"when\":\"during\"}");
            assertThat(sender.status(during)).isEqualTo("pending");
        } finally {
            redisServer.start();
        }
        String after = sender.send(receiver.url("/after"), "{\"when\":\"after\"}");

        for (String id : List.of(during, after)) sender.awaitStatus(id, "delivered", Duration.ofSeconds(30));
        assertThat(receiver.requests())
                .extracting(Receiver.Request::path)
                .containsOnlyOnce("/before", "/during", "/after");
    }

    @Test
    void aMessageWhoseStreamEntryWasLostIsQueuedAgainFromPostgres() {
        ChisRuntime core = start("api,delivery,scheduler");
        Sender sender = new Sender(core.settings().httpPort());
        Receiver receiver = receiver((n, request) -> Reply.ok());

        String id = sender.send(receiver.url("/lost"), "{\"c\":3}");
        assertThat(this.<Long>redis(r -> r.xlen(RedisWorkQueue.STREAM))).isEqualTo(1L);
        flushRedis(); // as if the enqueue after the commit had failed
        start("worker");

        sender.awaitStatus(id, "delivered", Duration.ofSeconds(15));
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void severalWorkersAndSchedulersSideBySideAttemptEachDeliveryOncePerStep() {
        ChisRuntime core = start("api,delivery");
        Sender sender = new Sender(core.settings().httpPort());
        for (int i = 0; i < 3; i++) start("worker,scheduler", env -> env.put("CHIS_WORKER_CONCURRENCY", "4"));
        // Each message fails its first attempt, so its retry goes through the schedulers' sorted set.
        Receiver receiver = receiver((n, request) -> Reply.status(isFirst(request) ? 500 : 200));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 24; i++) ids.add(sender.send(receiver.url("/crowd/" + i), "{\"n\":" + i + "}"));
        for (String id : ids) sender.awaitStatus(id, "delivered", Duration.ofSeconds(30));

        for (String id : ids) {
            assertThat(receiver.requestsFor(id)).as("requests for %s", id).hasSize(2);
            assertThat(sender.attempts(id)).extracting(a -> a.get("statusCode")).containsExactly(500, 200);
        }
    }

    private final Map<String, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean isFirst(Receiver.Request request) {
        return seen.merge(request.header("webhook-id"), 1, Integer::sum) == 1;
    }
}
