package io.chis.runtime.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.dispatch.Receiver.Reply;
import io.chis.runtime.dispatch.Sender;
import io.chis.runtime.testing.TestRuntime;
import io.lettuce.core.RedisClient;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisInstance;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * The runtime on a Redis Sentinel URL, against real processes: a master, its replica and one sentinel (quorum 1).
 * The master is killed; the sentinel promotes the replica and the runtime follows without losing an accepted message.
 */
class RedisSentinelIT {
    private static final String MASTER = "chis";

    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<RedisInstance> redis = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : running.reversed()) closeable.close();
        for (RedisInstance instance : redis.reversed()) {
            try {
                instance.stop();
            } catch (Exception ignored) {
                // the killed master
            }
        }
    }

    @Test
    void theRuntimeFollowsASentinelFailoverAndDeliversEveryAcceptedMessage() throws Exception {
        int masterPort = TestRuntime.freePort();
        int replicaPort = TestRuntime.freePort();
        int sentinelPort = TestRuntime.freePort();
        RedisServer master = start(
                RedisServer.newRedisServer().bind("127.0.0.1").port(masterPort).build());
        start(RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(replicaPort)
                .setting("replicaof 127.0.0.1 " + masterPort)
                .build());
        start(RedisSentinel.newRedisSentinel()
                .bind("127.0.0.1")
                .port(sentinelPort)
                .masterPort(masterPort)
                .masterName(MASTER)
                .quorumSize(1)
                .downAfterMilliseconds(1000)
                .failOverTimeout(5000)
                .build());
        RedisClient sentinels = RedisClient.create("redis://127.0.0.1:" + sentinelPort);
        running.add(sentinels::shutdown);
        var sentinel = sentinels.connectSentinel().sync();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sentinel.replicas(MASTER).stream()
                        .anyMatch(r -> String.valueOf(replicaPort).equals(r.get("port"))
                                && "ok".equals(r.get("master-link-status"))));

        Map<String, String> env = new HashMap<>(TestRuntime.environment());
        env.put("REDIS_URL", "redis-sentinel://127.0.0.1:" + sentinelPort + "#" + MASTER);
        env.put("CHIS_SWEEP_INTERVAL", "1s");
        env.put("CHIS_SWEEP_GRACE", "2s");
        env.put("CHIS_SCHEDULER_TICK", "100ms");
        ChisRuntime runtime = TestRuntime.start(env);
        running.add(runtime);
        Receiver receiver = Receiver.start((n, request) -> Reply.ok());
        running.add(receiver);
        Sender sender = new Sender(runtime.settings().httpPort());

        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 10; i++) accepted.add(sender.send(receiver.url("/before"), "{\"n\":" + i + "}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(receiver).containsAll(accepted));

        // stop the master: sends go on while the sentinel notices and promotes the replica
        master.stop();
        for (int i = 0; i < 10; i++) accepted.add(sender.send(receiver.url("/during"), "{\"n\":" + i + "}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> portOf(sentinel.getMasterAddrByName(MASTER)) == replicaPort);
        for (int i = 0; i < 10; i++) accepted.add(sender.send(receiver.url("/after"), "{\"n\":" + i + "}"));

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(200, TimeUnit.MILLISECONDS)
                .untilAsserted(() -> assertThat(delivered(receiver)).containsAll(accepted));
        // the work queue lives on the promoted master now
        RedisClient promoted = RedisClient.create("redis://127.0.0.1:" + replicaPort);
        running.add(promoted::shutdown);
        try (var connection = promoted.connect()) {
            assertThat(connection.sync().xinfoGroups(RedisWorkQueue.STREAM)).isNotEmpty();
        }
    }

    private <T extends RedisInstance> T start(T instance) throws Exception {
        instance.start();
        redis.add(instance);
        return instance;
    }

    private static List<String> delivered(Receiver receiver) {
        return receiver.requests().stream().map(r -> r.header("webhook-id")).toList();
    }

    private static int portOf(SocketAddress address) {
        return ((java.net.InetSocketAddress) address).getPort();
    }
}
