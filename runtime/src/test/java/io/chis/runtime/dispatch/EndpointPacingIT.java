package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.proto.v1.Policy;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.AdminClient;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How deliveries are paced and spaced: a per-endpoint rate limit that holds across two worker processes sharing
 * one Redis, jittered retries that stay inside their bounds, and CHIS_DEFAULT_POLICY for endpoints that name none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointPacingIT {

    static final String ADMIN_TOKEN = "admin";

    ChisRuntime runtime;
    ChisRuntime secondWorker;
    ApiClient api;
    AdminClient admin;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("CHIS_DELIVERY_TIMEOUT", "2s");
        env.put("CHIS_CLAIM_TIMEOUT", "4s");
        env.put("CHIS_SCHEDULER_TICK", "50ms");
        env.put("CHIS_DEFAULT_POLICY", "house");
        runtime = TestRuntime.start(env);
        Map<String, String> workerEnv = new HashMap<>(env);
        workerEnv.put("CHIS_ROLES", "worker");
        workerEnv.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        workerEnv.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        workerEnv.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        secondWorker = TestRuntime.start(workerEnv);
        api = new ApiClient(runtime.settings().httpPort());
        admin = new AdminClient(runtime.settings().grpcPort(), ADMIN_TOKEN);
    }

    @AfterAll
    void stop() {
        admin.close();
        secondWorker.close();
        runtime.close();
    }

    @Test
    void aRateLimitHoldsAcrossTwoWorkers() {
        int perSecond = 5;
        int messages = 20;
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("paced")
                .setMaxRetries(0)
                .setInitialDelayMs(100)
                .setMultiplier(1)
                .setMaxDelayMs(100)
                .setTimeoutMs(2000)
                .setRateLimitPerSecond(perSecond)
                .build());
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok())) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            api.newEndpoint(
                    token,
                    Map.of(
                            "name",
                            "paced",
                            "url",
                            receiver.url("/p"),
                            "eventTypes",
                            List.of("tick"),
                            "policy",
                            "paced"));
            double firstWorkerBefore = delivered(runtime);
            double secondWorkerBefore = delivered(secondWorker);
            for (int i = 0; i < messages; i++) api.fanOut(key, "tick");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> receiver.requests().size() >= messages);
            List<Receiver.Request> arrivals = receiver.requests();
            assertThat(arrivals).as("every message once").hasSize(messages);
            // On average no faster than the limit...
            long totalMs =
                    (arrivals.getLast().arrivedNanos() - arrivals.getFirst().arrivedNanos()) / 1_000_000;
            assertThat(totalMs)
                    .as("20 attempts at 5/s")
                    .isGreaterThanOrEqualTo((messages - 1) * 1000L / perSecond * 95 / 100);
            // ...and never a burst: at most one attempt over the limit in any second (one may be sent late on a busy
            // machine)
            for (int i = 0; i + perSecond + 1 < arrivals.size(); i++) {
                long spanMs = (arrivals.get(i + perSecond + 1).arrivedNanos()
                                - arrivals.get(i).arrivedNanos())
                        / 1_000_000;
                assertThat(spanMs).as("attempts %d..%d", i, i + perSecond + 1).isGreaterThanOrEqualTo(1000);
            }
            assertThat(delivered(runtime) - firstWorkerBefore)
                    .as("the first worker delivered some")
                    .isPositive();
            assertThat(delivered(secondWorker) - secondWorkerBefore)
                    .as("the second worker delivered some")
                    .isPositive();
        }
    }

    @Test
    void jitteredRetriesStayWithinTheirBounds() {
        // 400 ms ± 50 %: every wait between 200 and 600 ms, and not all the same
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("jittery")
                .setMaxRetries(6)
                .setInitialDelayMs(400)
                .setMultiplier(1)
                .setMaxDelayMs(400)
                .setJitter(0.5)
                .setTimeoutMs(2000)
                .build());
        try (Receiver failing = Receiver.start(n -> Receiver.Reply.status(503))) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            api.newEndpoint(
                    token,
                    Map.of("name", "j", "url", failing.url("/j"), "eventTypes", List.of("flaky"), "policy", "jittery"));
            String id = api.fanOut(key, "flaky");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "dead".equals(api.message(key, id).get("status")));

            List<Duration> gaps = failing.gaps();
            assertThat(gaps).hasSize(6);
            // the upper bound allows for the scheduler's tick and the claim on top of the wait
            assertThat(gaps)
                    .allSatisfy(gap -> assertThat(gap).isBetween(Duration.ofMillis(200), Duration.ofMillis(900)));
            long spreadMs = gaps.stream().mapToLong(Duration::toMillis).max().orElseThrow()
                    - gaps.stream().mapToLong(Duration::toMillis).min().orElseThrow();
            assertThat(spreadMs).as("jitter varies the waits").isGreaterThan(20);
        }
    }

    @Test
    void endpointsWithoutAPolicyAndPlainSendsFollowTheDefaultPolicy() {
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("house")
                .setMaxRetries(1)
                .setInitialDelayMs(200)
                .setMultiplier(1)
                .setMaxDelayMs(200)
                .setTimeoutMs(2000)
                .build());
        try (Receiver failing = Receiver.start(n -> Receiver.Reply.status(500))) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            api.newEndpoint(
                    token, Map.of("name", "d", "url", failing.url("/endpoint"), "eventTypes", List.of("house.*")));
            String fannedOut = api.fanOut(key, "house.keeping");
            String direct = api.send(key, "{\"url\":\"" + failing.url("/direct") + "\",\"payload\":{}}");

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "dead".equals(api.message(key, fannedOut).get("status"))
                            && "dead".equals(api.message(key, direct).get("status")));
            assertThat(failing.requestsFor(fannedOut))
                    .as("policy 'house': 1 retry, 2 attempts")
                    .hasSize(2);
            assertThat(failing.requestsFor(direct))
                    .as("a send to a URL follows the default policy too")
                    .hasSize(2);
        }
    }

    static double delivered(ChisRuntime runtime) {
        MeterRegistry registry = runtime.context().getBean(MeterRegistry.class);
        return registry.get("webhooks.delivered")
                .tag("status", "success")
                .counter()
                .count();
    }
}
