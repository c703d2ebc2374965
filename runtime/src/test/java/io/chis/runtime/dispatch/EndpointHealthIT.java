package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.proto.v1.Policy;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.AdminClient;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Endpoint health from the attempt counters, and CHIS_ENDPOINT_DISABLE_AFTER (3 s here) on a real runtime. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointHealthIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    ChisRuntime runtime;
    ApiClient api;
    AdminClient admin;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ADMIN_TOKEN", "admin");
        env.put("CHIS_DELIVERY_TIMEOUT", "2s");
        env.put("CHIS_CLAIM_TIMEOUT", "4s");
        env.put("CHIS_SCHEDULER_TICK", "100ms");
        env.put("CHIS_ENDPOINT_DISABLE_AFTER", "3s");
        runtime = TestRuntime.start(env);
        api = new ApiClient(runtime.settings().httpPort());
        admin = new AdminClient(runtime.settings().grpcPort(), "admin");
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("persistent")
                .setMaxRetries(100)
                .setInitialDelayMs(300)
                .setMultiplier(1)
                .setMaxDelayMs(300)
                .setTimeoutMs(2000)
                .build());
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("quick")
                .setMaxRetries(3)
                .setInitialDelayMs(100)
                .setMultiplier(1)
                .setMaxDelayMs(100)
                .setTimeoutMs(2000)
                .build());
    }

    @AfterAll
    void stop() {
        admin.close();
        runtime.close();
    }

    @Test
    void anEndpointFailingPastTheWindowIsDisabledWithWhyAndAnnounced() {
        try (Receiver ops = Receiver.start(n -> Receiver.Reply.ok());
                Receiver down = Receiver.start(n -> Receiver.Reply.status(503))) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            Map<?, ?> opsEndpoint = api.newEndpoint(
                    token, Map.of("name", "ops", "url", ops.url("/ops"), "eventTypes", List.of("chis.endpoint.*")));
            Map<?, ?> failing = api.newEndpoint(
                    token,
                    Map.of(
                            "name",
                            "down",
                            "url",
                            down.url("/down"),
                            "eventTypes",
                            List.of("order.*"),
                            "policy",
                            "persistent"));
            String id = (String) failing.get("id");
            Instant sent = Instant.now();
            api.fanOut(key, "order.created");

            JsonNode endpoint = await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(token, id), e -> e.get("disabled").asBoolean());
            assertThat(Duration.between(sent, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            String reason = endpoint.get("disabledReason").asString();
            assertThat(reason)
                    .startsWith("no successful attempt ever; every attempt failed since ")
                    .contains("CHIS_ENDPOINT_DISABLE_AFTER 3s")
                    .endsWith("HTTP 503");
            JsonNode health = endpoint.get("health");
            assertThat(health.get("lastSuccessAt").isNull()).isTrue();
            assertThat(health.get("consecutiveFailures").asLong()).isGreaterThanOrEqualTo(5);
            assertThat(health.get("successRate1h").asDouble()).isZero();

            JsonNode event = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> ops.requests().stream()
                                    .map(r -> JSON.readTree(r.body()))
                                    .filter(j -> j.path("type").asString().equals("chis.endpoint.disabled"))
                                    .findFirst(),
                            java.util.Optional::isPresent)
                    .orElseThrow();
            assertThat(event.at("/data/endpointId").asString()).isEqualTo(id);
            assertThat(event.at("/data/cause").asString()).isEqualTo("failing");
            assertThat(event.at("/data/reason").asString()).isEqualTo(reason);
            assertThat(StandardWebhooksVerifier.verify(
                            (String) opsEndpoint.get("secret"),
                            ops.requests().get(0).header("webhook-id"),
                            ops.requests().get(0).header("webhook-timestamp"),
                            ops.requests().get(0).header("webhook-signature"),
                            ops.requests().get(0).body(),
                            Instant.now()))
                    .isTrue();

            // re-enabled as after a 410: it gets the whole window again, so it is not disabled at the next check
            int attemptsBefore = down.requests().size();
            api.http
                    .put()
                    .uri("/api/endpoints/{id}", id)
                    .header("Authorization", "Bearer " + token)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of(
                            "name",
                            "down",
                            "url",
                            down.url("/down"),
                            "eventTypes",
                            List.of("order.*"),
                            "policy",
                            "persistent"))
                    .exchange()
                    .expectStatus()
                    .isOk();
            api.fanOut(key, "order.created");
            await().atMost(Duration.ofSeconds(10)).until(() -> down.requests().size() >= attemptsBefore + 3);
            assertThat(get(token, id).get("disabled").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(token, id).get("disabled").asBoolean());
        }
    }

    @Test
    void healthShowsTheLastSuccessAndFailureAndTheSuccessRates() {
        // every other attempt fails: each message fails once, then is delivered by its retry
        try (Receiver flaky = Receiver.start(n -> n % 2 == 0 ? Receiver.Reply.status(500) : Receiver.Reply.ok())) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            String id = (String) api.newEndpoint(
                            token,
                            Map.of(
                                    "name",
                                    "flaky",
                                    "url",
                                    flaky.url("/f"),
                                    "eventTypes",
                                    List.of("job.*"),
                                    "policy",
                                    "quick"))
                    .get("id");
            JsonNode fresh = get(token, id).get("health");
            assertThat(fresh.get("consecutiveFailures").asLong()).isZero();
            assertThat(fresh.get("successRate24h").isNull()).isTrue();

            for (int i = 0; i < 2; i++) {
                String message = api.fanOut(key, "job.done");
                await().atMost(Duration.ofSeconds(20))
                        .until(() ->
                                "delivered".equals(api.message(key, message).get("status")));
            }
            JsonNode health = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> get(token, id).get("health"),
                            h -> h.get("successRate1h").asDouble() == 0.5);
            assertThat(health.get("successRate24h").asDouble()).isEqualTo(0.5);
            assertThat(health.get("consecutiveFailures").asLong()).isZero();
            assertThat(Instant.parse(health.get("lastSuccessAt").asString()))
                    .isAfter(Instant.parse(health.get("lastFailureAt").asString()));
        }
    }

    private JsonNode get(String token, String id) {
        byte[] body = api.http
                .get()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }
}
