package io.chis.runtime.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.SteadyLoad;
import io.chis.runtime.testing.TestRuntime;
import io.chis.stores.EmbeddedStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis down: a runtime (all roles) starts and serves without it, and Redis stopped under a steady send load, then
 * started again with its data kept or lost: every send is answered 202, every 202 is delivered exactly once, and the
 * process stays alive ({@code /livez} 200) throughout.
 */
class RedisOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(10);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private EmbeddedStores redis;

    @BeforeEach
    void startRedis() throws IOException {
        // a Redis of its own that these tests stop and start (its PostgreSQL goes unused: the runtime's is TestStores')
        redis = EmbeddedStores.start(Files.createTempDirectory("chis-redis-outage"), 0, 0, false);
    }

    @AfterEach
    void stopRedis() {
        redis.close();
    }

    private ChisRuntime start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("REDIS_URL", redis.redisUrl());
        env.put("CHIS_DELIVERY_TIMEOUT", "3s");
        env.put("CHIS_CLAIM_TIMEOUT", "6s");
        env.put("CHIS_SCHEDULER_TICK", "100ms");
        env.put("CHIS_SWEEP_INTERVAL", "1s");
        env.put("CHIS_SWEEP_GRACE", "2s");
        return TestRuntime.start(env);
    }

    @Test
    void aRuntimeStartsWithRedisDownAcceptsSendsAndDeliversThemWhenRedisComesBack() throws Exception {
        redis.redis().stop();
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                ChisRuntime runtime = start()) {
            int metrics = runtime.settings().metricsPort();
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                accepted.add(
                        api.send(key, "{\"url\":\"" + receiver.url("/hook") + "\",\"payload\":{\"n\":" + i + "}}"));
            }
            assertThat(get(metrics, "/livez").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> ready = get(metrics, "/readyz");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.body()).contains("\"redis\":\"DOWN");
            });
            assertThat(receiver.requests()).isEmpty();

            redis.redis().start();
            SteadyLoad.assertDeliveredExactlyOnce(receiver, java.util.Set.copyOf(accepted), Duration.ofSeconds(30));
            assertThat(get(metrics, "/readyz").body()).contains("\"redis\":\"UP\"");
        }
    }

    @Test
    void redisRestartedWithItsDataUnderLoadLosesNothing() throws Exception {
        redisStoppedUnderLoad(false);
    }

    @Test
    void redisRestartedEmptyUnderLoadLosesNothing() throws Exception {
        redisStoppedUnderLoad(true);
    }

    private void redisStoppedUnderLoad(boolean dataLost) throws Exception {
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                ChisRuntime runtime = start()) {
            int metrics = runtime.settings().metricsPort();
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String body = "{\"url\":\"" + receiver.url("/hook") + "\",\"payload\":{\"n\":1}}";
            SteadyLoad load = SteadyLoad.start(runtime.settings().httpPort(), key, body);
            load.awaitAccepted(20, Duration.ofSeconds(10));

            redis.redis().stop();
            int beforeOutage = load.accepted().size();
            // the injected fault lasts OUTAGE, and all along the process is alive and sends are accepted
            await().during(OUTAGE)
                    .atMost(OUTAGE.plusSeconds(5))
                    .until(() -> get(metrics, "/livez").statusCode() == 200);
            assertThat(load.accepted().size())
                    .as("sends accepted while Redis was down")
                    .isGreaterThan(beforeOutage);
            if (dataLost) deleteRedisData();
            redis.redis().start();

            load.awaitAccepted(20, Duration.ofSeconds(10));
            load.assertAnswered(); // 202 only: a Redis outage never fails a send
            assertThat(runtime.context().isActive()).isTrue();
            SteadyLoad.assertDeliveredExactlyOnce(receiver, load.accepted(), Duration.ofSeconds(60));
        }
    }

    private void deleteRedisData() throws IOException {
        Path dir = redis.dataDir().resolve("redis");
        for (String file : List.of("appendonly.aof", "dump.rdb")) Files.deleteIfExists(dir.resolve(file));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
