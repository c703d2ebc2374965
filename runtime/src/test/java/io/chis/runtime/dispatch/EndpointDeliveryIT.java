package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.proto.v1.Policy;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.AdminClient;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Deliveries to endpoints: each signed with its endpoint's secret, with its headers and policy; 410 disables. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointDeliveryIT {

    ChisRuntime runtime;
    ApiClient api;
    Db db;
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
        db = new Db(env.get("DATABASE_URL"));
        admin = new AdminClient(runtime.settings().grpcPort(), "admin");
    }

    @AfterAll
    void stop() {
        admin.close();
        runtime.close();
    }

    @Test
    void eachEndpointGetsItsOwnSignatureAndHeadersAndAMatchingEventOnly() {
        try (Receiver a = Receiver.start(n -> Receiver.Reply.ok());
                Receiver b = Receiver.start(n -> Receiver.Reply.ok())) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            Map<?, ?> users = api.newEndpoint(
                    token,
                    Map.of(
                            "name",
                            "a",
                            "url",
                            a.url("/a"),
                            "eventTypes",
                            List.of("user.*"),
                            "headers",
                            Map.of("X-Tenant", "acme")));
            Map<?, ?> everything =
                    api.newEndpoint(token, Map.of("name", "b", "url", b.url("/b"), "eventTypes", List.of("*")));
            api.newEndpoint(token, Map.of("name", "c", "url", b.url("/c"), "eventTypes", List.of("order.*")));

            String id = api.fanOut(key, "user.created");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> a.requests().size() == 1 && b.requests().size() == 1);
            var toA = a.requests().get(0);
            var toB = b.requests().get(0);
            assertThat(toB.path()).isEqualTo("/b");
            assertThat(toA.header("x-tenant")).isEqualTo("acme");
            assertThat(toA.header("webhook-id")).isEqualTo(id).isEqualTo(toB.header("webhook-id"));
            assertThat(verify((String) users.get("secret"), toA)).isTrue();
            assertThat(verify((String) everything.get("secret"), toA))
                    .as("signed with the endpoint's own secret")
                    .isFalse();
            assertThat(verify((String) everything.get("secret"), toB)).isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "delivered".equals(api.message(key, id).get("status")));
        }
    }

    @Test
    void theEndpointsPolicyDecidesTheRetriesAndGoneDisablesIt() {
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("once")
                .setMaxRetries(1)
                .setInitialDelayMs(200)
                .setMultiplier(2)
                .setMaxDelayMs(1000)
                .setTimeoutMs(2000)
                .build());
        try (Receiver failing = Receiver.start(n -> Receiver.Reply.status(500));
                Receiver gone = Receiver.start(n -> Receiver.Reply.status(410))) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            api.newEndpoint(
                    token,
                    Map.of(
                            "name",
                            "f",
                            "url",
                            failing.url("/f"),
                            "eventTypes",
                            List.of("job.failed"),
                            "policy",
                            "once"));
            Map<?, ?> goneEndpoint = api.newEndpoint(
                    token, Map.of("name", "g", "url", gone.url("/g"), "eventTypes", List.of("job.gone")));

            String failed = api.fanOut(key, "job.failed");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "dead".equals(api.message(key, failed).get("status")));
            assertThat(failing.requests())
                    .as("policy 'once': 1 retry, 2 attempts")
                    .hasSize(2);

            String first = api.fanOut(key, "job.gone");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "dead".equals(api.message(key, first).get("status")));
            Map<?, ?> disabled = api.http
                    .get()
                    .uri("/api/endpoints/{id}", goneEndpoint.get("id"))
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(disabled.get("disabled")).isEqualTo(true);
            assertThat((String) disabled.get("disabledReason")).contains("410");
            api.fanOut(key, "job.gone");
            assertThat(gone.requests())
                    .as("a disabled endpoint gets nothing more")
                    .hasSize(1);
        }
    }

    @Test
    void aPolicyTimeoutShorterThanTheWorkersApplies() {
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("impatient")
                .setMaxRetries(0)
                .setInitialDelayMs(100)
                .setMultiplier(1)
                .setMaxDelayMs(100)
                .setTimeoutMs(300)
                .build());
        // answers well inside the worker's 2 s timeout, but not inside the policy's 300 ms
        try (Receiver slow = Receiver.start(n -> Receiver.Reply.ok().after(Duration.ofMillis(1200)))) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            api.newEndpoint(
                    token,
                    Map.of("name", "s", "url", slow.url("/s"), "eventTypes", List.of("slow.*"), "policy", "impatient"));
            String id = api.fanOut(key, "slow.call");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "dead".equals(api.message(key, id).get("status")));
            Map<?, ?> delivery = (Map<?, ?>) ((List<?>) api.message(key, id).get("deliveries")).get(0);
            Map<?, ?> attempt = (Map<?, ?>) ((List<?>) delivery.get("attempts")).get(0);
            assertThat((String) attempt.get("error")).containsIgnoringCase("time");
            assertThat(attempt.get("statusCode")).isNull();
        }
    }

    @Test
    void endpointStatsCountEachAttemptAsItIsRecorded() {
        admin.stub.applyPolicy(Policy.newBuilder()
                .setName("twice")
                .setMaxRetries(2)
                .setInitialDelayMs(100)
                .setMultiplier(1)
                .setMaxDelayMs(100)
                .setTimeoutMs(2000)
                .build());
        // 500, 500, 200 delivers the first message; the second meets 503 three times and is dead-lettered
        try (Receiver receiver = Receiver.start(
                n -> n < 2 ? Receiver.Reply.status(500) : n == 2 ? Receiver.Reply.ok() : Receiver.Reply.status(503))) {
            String email = "stats-" + java.util.UUID.randomUUID() + "@example.com";
            api.http
                    .post()
                    .uri("/auth/register")
                    .bodyValue(Map.of("email", email, "password", "long-enough"))
                    .exchange()
                    .expectStatus()
                    .isCreated();
            String token = api.login(email, "long-enough");
            String key = api.newApiKey(token);
            // the owner lets resources of namespace "default" manage its endpoints
            api.http
                    .post()
                    .uri("/api/namespace-grants")
                    .header("Authorization", "Bearer " + token)
                    .bodyValue(Map.of("namespace", "default"))
                    .exchange()
                    .expectStatus()
                    .isCreated();
            String ref = "default/stats";
            admin.stub.applyEndpoint(io.chis.proto.v1.EndpointSpec.newBuilder()
                    .setRef(ref)
                    .setOwnerEmail(email)
                    .setName("stats")
                    .setUrl(receiver.url("/s"))
                    .addEventTypes("stats.*")
                    .setPolicy("twice")
                    .build());
            var request = io.chis.proto.v1.EndpointStatsRequest.newBuilder()
                    .setRef(ref)
                    .build();
            assertThat(admin.stub.getEndpointStats(request).getLastAttemptAt())
                    .as("never attempted")
                    .isEmpty();

            String first = api.fanOut(key, "stats.one");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "delivered".equals(api.message(key, first).get("status")));
            var delivered = admin.stub.getEndpointStats(request);
            assertThat(delivered.getDelivered()).isEqualTo(1);
            assertThat(delivered.getFailed()).isEqualTo(2);
            assertThat(delivered.getLastStatusCode()).isEqualTo(200);
            assertThat(db.count(
                            "select consecutive_failures from endpoint_stats where endpoint_id = ?::uuid",
                            delivered.getId()))
                    .isZero();

            String second = api.fanOut(key, "stats.two");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "dead".equals(api.message(key, second).get("status")));
            var dead = admin.stub.getEndpointStats(request);
            assertThat(dead.getDelivered()).isEqualTo(1);
            assertThat(dead.getFailed()).isEqualTo(5);
            assertThat(dead.getDeadLettered()).isEqualTo(1);
            assertThat(dead.getLastStatusCode()).isEqualTo(503);
            assertThat(Instant.parse(dead.getLastAttemptAt())).isAfter(Instant.parse(delivered.getLastAttemptAt()));
            assertThat(db.query(
                            "select consecutive_failures, last_success_at < last_failure_at as failing"
                                    + " from endpoint_stats where endpoint_id = ?::uuid",
                            dead.getId()))
                    .containsExactly(Map.of("consecutive_failures", 3L, "failing", true));
        }
    }

    @Test
    void aDeliveryThatCannotBeProcessedIsDeadLetteredWithTheReasonAfterTheThreshold() {
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                Receiver ops = Receiver.start(n -> Receiver.Reply.ok())) {
            String token = api.newAccountToken();
            String key = api.newApiKey(token);
            Map<?, ?> endpoint = api.newEndpoint(
                    token, Map.of("name", "p", "url", receiver.url("/p"), "eventTypes", List.of("poison.*")));
            api.newEndpoint(token, Map.of("name", "ops", "url", ops.url("/ops"), "eventTypes", List.of("chis.*")));
            // A stored secret that no longer decodes: every attempt fails before a request can be made.
            db.query("update endpoints set secret = 'whsec_not*base64' where id = ?::uuid", endpoint.get("id"));

            String id = api.fanOut(key, "poison.pill");
            // one lease of the queue entry per claim timeout (4 s), POISON_AFTER of them
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "dead".equals(api.message(key, id).get("status")));
            Map<?, ?> delivery = (Map<?, ?>) ((List<?>) api.message(key, id).get("deliveries")).get(0);
            List<?> attempts = (List<?>) delivery.get("attempts");
            assertThat(attempts).as("only the dead letter is recorded").hasSize(1);
            assertThat((String) ((Map<?, ?>) attempts.get(0)).get("error"))
                    .contains("failed on " + Worker.POISON_AFTER + " tries")
                    .contains("Illegal base64 character");
            assertThat(receiver.requests()).isEmpty();
            // the account hears of it like of any other dead letter
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(ops.requests())
                            .anySatisfy(r -> assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                                    .contains("chis.message.dead")
                                    .contains(id)
                                    .contains("failed on " + Worker.POISON_AFTER + " tries")));
        }
    }

    static boolean verify(String secret, Receiver.Request request) {
        return StandardWebhooksVerifier.verify(
                secret,
                request.header("webhook-id"),
                request.header("webhook-timestamp"),
                request.header("webhook-signature"),
                request.body(),
                Instant.now());
    }
}
