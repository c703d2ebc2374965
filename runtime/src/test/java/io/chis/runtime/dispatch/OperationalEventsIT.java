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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operational events (chis.endpoint.disabled/enabled, chis.message.dead) delivered through the pipeline to the
 * account's endpoints that subscribe by a chis. filter, signed with their secrets, never to the endpoint concerned and
 * never to a plain "*" subscriber.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationalEventsIT {

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
        runtime = TestRuntime.start(env);
        api = new ApiClient(runtime.settings().httpPort());
        admin = new AdminClient(runtime.settings().grpcPort(), "admin");
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("no-retry")
                .setMaxRetries(0)
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
    void deadDeliveriesAnd410sReachTheOperationalSubscriberSignedAndNotTheEndpointConcerned() {
        try (Receiver ops = Receiver.start(n -> Receiver.Reply.ok());
                Receiver everything = Receiver.start(n -> Receiver.Reply.ok());
                Receiver failing = Receiver.start(n -> Receiver.Reply.status(500));
                Receiver gone = Receiver.start(n -> Receiver.Reply.status(410))) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            Map<?, ?> opsEndpoint = endpoint(token, "ops", ops.url("/ops"), List.of("chis.*"), null);
            endpoint(token, "everything", everything.url("/all"), List.of("*"), null);
            // subscribes to operational events too: it must not hear about its own dead delivery
            Map<?, ?> failingEndpoint =
                    endpoint(token, "failing", failing.url("/f"), List.of("order.*", "chis.*"), "no-retry");
            Map<?, ?> goneEndpoint = endpoint(token, "gone", gone.url("/g"), List.of("invoice.*"), null);

            String order = api.fanOut(key, "order.created");
            JsonNode dead = awaitEvent(ops, "chis.message.dead");
            assertThat(dead.at("/data/messageId").asString()).isEqualTo(order);
            assertThat(dead.at("/data/eventType").asString()).isEqualTo("order.created");
            assertThat(dead.at("/data/endpointId").asString()).isEqualTo(failingEndpoint.get("id"));
            assertThat(dead.at("/data/url").asString()).isEqualTo(failing.url("/f"));
            assertThat(dead.at("/data/attempts").asInt()).isEqualTo(1);
            assertThat(dead.at("/data/lastStatusCode").asInt()).isEqualTo(500);
            assertThat(dead.at("/data/error").asString()).contains("500");
            assertThat(Instant.parse(dead.at("/timestamp").asString())).isBefore(Instant.now());

            String invoice = api.fanOut(key, "invoice.paid");
            JsonNode disabled = awaitEvent(ops, "chis.endpoint.disabled");
            assertThat(disabled.at("/data/endpointId").asString()).isEqualTo(goneEndpoint.get("id"));
            assertThat(disabled.at("/data/cause").asString()).isEqualTo("gone");
            assertThat(disabled.at("/data/reason").asString()).contains("410");
            JsonNode goneDead = awaitEvent(ops, "chis.message.dead", invoice);
            assertThat(goneDead.at("/data/lastStatusCode").asInt()).isEqualTo(410);

            // each operational webhook is signed with the ops endpoint's own secret, like any other
            String secret = (String) opsEndpoint.get("secret");
            assertThat(ops.requests())
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(StandardWebhooksVerifier.verify(
                                    secret,
                                    r.header("webhook-id"),
                                    r.header("webhook-timestamp"),
                                    r.header("webhook-signature"),
                                    r.body(),
                                    Instant.now()))
                            .isTrue());
            // the failing endpoint hears of the gone one (it subscribes to chis.*), never of its own dead delivery
            assertThat(failing.requests().stream().map(OperationalEventsIT::json))
                    .extracting(j -> j.path("type").asString(""))
                    .containsExactlyInAnyOrder("", "chis.endpoint.disabled", "chis.message.dead");
            assertThat(failing.requests().stream().map(OperationalEventsIT::json))
                    .noneMatch(j -> failingEndpoint
                            .get("id")
                            .equals(j.at("/data/endpointId").asString("")));
            // "*" gets the user events only
            assertThat(everything.requests())
                    .hasSize(2)
                    .noneSatisfy(r -> assertThat(json(r).has("type")).isTrue());
        }
    }

    @Test
    void aFinishedRecoveryIsAnnounced() {
        try (Receiver ops = Receiver.start(n -> Receiver.Reply.ok());
                Receiver flaky = Receiver.start(n -> n == 0 ? Receiver.Reply.status(500) : Receiver.Reply.ok())) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            endpoint(token, "ops", ops.url("/ops"), List.of("chis.recover.done"), null);
            Map<?, ?> target = endpoint(token, "flaky", flaky.url("/f"), List.of("job.*"), "no-retry");
            Instant since = Instant.now().minusSeconds(60);
            String message = api.fanOut(key, "job.failed");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "dead".equals(api.message(key, message).get("status")));

            Map<?, ?> started = api.http
                    .post()
                    .uri("/webhook/recover")
                    .header("X-API-Key", key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("since", since.toString(), "endpointId", target.get("id")))
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            JsonNode done = awaitEvent(ops, "chis.recover.done");
            assertThat(done.at("/data/recoveryId").asString()).isEqualTo(started.get("id"));
            assertThat(done.at("/data/endpointId").asString()).isEqualTo(target.get("id"));
            assertThat(done.at("/data/matched").asLong()).isEqualTo(1);
            assertThat(done.at("/data/requeued").asLong()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "delivered".equals(api.message(key, message).get("status")));
            assertThat(flaky.requests()).as("not told about its own recovery").hasSize(2);
        }
    }

    @Test
    void disablingAndEnablingAnEndpointByHandAreAnnounced() {
        try (Receiver ops = Receiver.start(n -> Receiver.Reply.ok());
                Receiver other = Receiver.start(n -> Receiver.Reply.ok())) {
            String token = api.newAccountToken();
            endpoint(token, "ops", ops.url("/ops"), List.of("chis.endpoint.disabled", "chis.endpoint.enabled"), null);
            Map<?, ?> target = endpoint(token, "target", other.url("/t"), List.of("chis.*", "user.*"), null);
            String id = (String) target.get("id");

            put(
                    token,
                    id,
                    Map.of(
                            "name",
                            "target",
                            "url",
                            other.url("/t"),
                            "eventTypes",
                            List.of("chis.*", "user.*"),
                            "disabled",
                            true));
            JsonNode disabled = awaitEvent(ops, "chis.endpoint.disabled");
            assertThat(disabled.at("/data/endpointId").asString()).isEqualTo(id);
            assertThat(disabled.at("/data/endpointName").asString()).isEqualTo("target");
            assertThat(disabled.at("/data/cause").asString()).isEqualTo("manual");

            put(
                    token,
                    id,
                    Map.of(
                            "name",
                            "target",
                            "url",
                            other.url("/t"),
                            "eventTypes",
                            List.of("chis.*", "user.*"),
                            "disabled",
                            false));
            JsonNode enabled = awaitEvent(ops, "chis.endpoint.enabled");
            assertThat(enabled.at("/data/endpointId").asString()).isEqualTo(id);
            assertThat(enabled.at("/data/url").asString()).isEqualTo(other.url("/t"));
            // a replace that keeps the flag says nothing
            put(token, id, Map.of("name", "renamed", "url", other.url("/t"), "eventTypes", List.of("user.*")));
            assertThat(ops.requests()).hasSize(2);
            assertThat(other.requests())
                    .as("the endpoint concerned hears nothing of itself")
                    .isEmpty();
        }
    }

    private Map<?, ?> endpoint(String token, String name, String url, List<String> types, String policy) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "url", url, "eventTypes", types));
        if (policy != null) body.put("policy", policy);
        return api.newEndpoint(token, body);
    }

    private void put(String token, String id, Map<String, Object> body) {
        api.http
                .put()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk();
    }

    private static JsonNode awaitEvent(Receiver receiver, String type) {
        return awaitEvent(receiver, type, null);
    }

    /** The operational webhook of this type (about this message, when given) that the receiver got. */
    private static JsonNode awaitEvent(Receiver receiver, String type, String messageId) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> receiver.requests().stream()
                                .map(OperationalEventsIT::json)
                                .filter(j -> type.equals(j.path("type").asString()))
                                .filter(j -> messageId == null
                                        || messageId.equals(
                                                j.at("/data/messageId").asString()))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    private static JsonNode json(Receiver.Request request) {
        return JSON.readTree(request.body());
    }
}
