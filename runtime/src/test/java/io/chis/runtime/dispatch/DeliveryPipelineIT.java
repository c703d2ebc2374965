package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver.Reply;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.PromTool;
import io.chis.runtime.testing.TestRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The delivery pipeline end to end, as the README's "Delivery, retries and dead letters" specifies it: one runtime with every role on real PostgreSQL and
 * Redis, webhooks sent over the REST API to real HTTP receivers on loopback. Retry gaps are checked against the
 * schedule with generous upper bounds only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryPipelineIT {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration SLACK = Duration.ofMillis(1500);

    ChisRuntime runtime;
    Sender sender;
    Db db;
    int metricsPort;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_DELIVERY_TIMEOUT", TIMEOUT.toMillis() + "ms");
        env.put("CHIS_CLAIM_TIMEOUT", "4s");
        env.put("CHIS_SCHEDULER_TICK", "100ms");
        env.put("CHIS_SWEEP_INTERVAL", "1s");
        env.put("CHIS_SWEEP_GRACE", "3s");
        runtime = TestRuntime.start(env);
        sender = new Sender(runtime.settings().httpPort());
        db = new Db(env.get("DATABASE_URL"));
        metricsPort = runtime.settings().metricsPort();
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    @Test
    void deliversTheExactPayloadSignedSoThatAStandardWebhooksCheckAcceptsIt() {
        String payload = "{\"user\": {\"id\": 42, \"name\": \"Ada\"},  \"tags\":[\"a\",\"b\"] }";
        try (Receiver receiver = Receiver.start(n -> Reply.ok().withBody("thanks \u0000 for " + "x".repeat(5000)))) {
            String id = sender.send(receiver.url("/hooks/orders"), payload);
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));

            assertThat(receiver.requests()).hasSize(1);
            Receiver.Request request = receiver.requests().get(0);
            assertThat(request.path()).isEqualTo("/hooks/orders");
            assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(payload);
            assertThat(request.header("content-type")).isEqualTo("application/json");
            assertThat(request.header("user-agent")).startsWith("Chis/");
            assertThat(request.header("webhook-id")).isEqualTo(id);
            assertThat(Long.parseLong(request.header("webhook-timestamp")))
                    .isBetween(
                            Instant.now().minusSeconds(30).getEpochSecond(),
                            Instant.now().getEpochSecond());
            String secret = (String) sender.signingSecret().get("secret");
            assertThat(StandardWebhooksVerifier.verify(
                            secret,
                            request.header("webhook-id"),
                            request.header("webhook-timestamp"),
                            request.header("webhook-signature"),
                            request.body(),
                            Instant.now()))
                    .as("signature %s checks out with the account's secret", request.header("webhook-signature"))
                    .isTrue();
            assertThat(StandardWebhooksVerifier.verify(
                            secret,
                            id,
                            request.header("webhook-timestamp"),
                            request.header("webhook-signature"),
                            (payload + " ").getBytes(StandardCharsets.UTF_8),
                            Instant.now()))
                    .as("a changed body fails the check")
                    .isFalse();

            List<Map<String, Object>> attempts = sender.attempts(id);
            assertThat(attempts).singleElement().satisfies(a -> {
                assertThat(a.get("attempt")).isEqualTo(1);
                assertThat(a.get("statusCode")).isEqualTo(200);
                assertThat(a.get("error")).isNull();
                assertThat(((Number) a.get("durationMs")).longValue()).isGreaterThanOrEqualTo(0);
            });
            String kept = (String) db.query(
                            "select response_body from delivery_attempts a join deliveries d on d.id = a.delivery_id"
                                    + " where d.message_id = ?",
                            UUID.fromString(id))
                    .get(0)
                    .get("response_body");
            assertThat(kept)
                    .startsWith("thanks \uFFFD for xxx")
                    .hasSizeLessThanOrEqualTo(WebhookClient.KEPT_BODY_BYTES);
        }
    }

    @Test
    void aMessageBeingAttemptedIsListedAndCountedAsDeliveringThoughTheClaimLeavesItsRowAlone() {
        try (Receiver receiver = Receiver.start(n -> Reply.ok().after(Duration.ofMillis(1500)))) {
            String id = sender.send(receiver.url("/hooks/slow"), "{\"slow\":true}");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> receiver.requests().size() == 1);

            // the claim wrote only the delivery: the stored roll-up counts an attempt in flight as pending
            assertThat(db.query("select status from messages where id = ?", UUID.fromString(id)))
                    .singleElement()
                    .satisfies(row -> assertThat(row.get("status")).isEqualTo("pending"));
            assertThat(sender.status(id)).isEqualTo("delivering");
            assertThat(sender.listed("delivering")).extracting(m -> m.get("id")).contains(id);
            assertThat(sender.listed("pending")).extracting(m -> m.get("id")).doesNotContain(id);
            assertThat(sender.stats().get("delivering")).isNotEqualTo(0);

            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));
            assertThat(sender.listed("delivered")).extracting(m -> m.get("id")).contains(id);
            assertThat(sender.listed("delivering")).extracting(m -> m.get("id")).doesNotContain(id);
        }
    }

    @Test
    void duringARotationTheSignatureHeaderCarriesTheOldAndTheNewSecret() {
        String before = (String) sender.signingSecret().get("secret");
        Map<?, ?> rotated = sender.rotateSigningSecret();
        String after = (String) rotated.get("secret");
        assertThat(after).isNotEqualTo(before);
        try (Receiver receiver = Receiver.start(n -> Reply.status(204))) {
            String id = sender.send(receiver.url("/rotating"), "{\"n\":1}");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));

            Receiver.Request request = receiver.requests().get(0);
            assertThat(request.header("webhook-signature").split(" "))
                    .hasSize(2)
                    .allMatch(s -> s.startsWith("v1,"));
            for (String secret : List.of(before, after)) {
                assertThat(StandardWebhooksVerifier.verify(
                                secret,
                                request.header("webhook-id"),
                                request.header("webhook-timestamp"),
                                request.header("webhook-signature"),
                                request.body(),
                                Instant.now()))
                        .as("verifies with %s", secret.equals(before) ? "the old secret" : "the new secret")
                        .isTrue();
            }
        }
    }

    @Test
    void aReceiverFailingThreeTimesGetsItOnTheFourthAttemptAfterAboutOneTwoAndFourSeconds() {
        try (Receiver receiver = Receiver.start(n -> n < 3 ? Reply.status(500) : Reply.ok())) {
            String id = sender.send(receiver.url("/flaky"), "{\"try\":\"again\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> "retrying".equals(sender.status(id)));
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(20));

            assertThat(receiver.requests())
                    .hasSize(4)
                    .extracting(r -> r.header("webhook-id"))
                    .containsOnly(id);
            List<Duration> gaps = receiver.gaps();
            System.out.println("Retry gaps (fail 3x then succeed): " + gaps);
            assertGaps(gaps, 1, 2, 4);
            assertThat(sender.attempts(id)).extracting(a -> a.get("statusCode")).containsExactly(500, 500, 500, 200);
            assertThat(sender.attempts(id))
                    .extracting(a -> a.get("error"))
                    .containsExactly("HTTP 500", "HTTP 500", "HTTP 500", null);
        }
    }

    @Test
    void aReceiverAlwaysFailingIsDeadLetteredAfterSixAttemptsAndTheReplayDelivers() {
        var healthy = new java.util.concurrent.atomic.AtomicBoolean();
        try (Receiver receiver = Receiver.start(n -> healthy.get() ? Reply.ok() : Reply.status(503))) {
            String id = sender.send(receiver.url("/down"), "{\"doomed\":true}");
            Map<?, ?> dead = sender.awaitStatus(id, "dead", Duration.ofSeconds(45));

            assertThat(receiver.requests()).hasSize(6);
            List<Duration> gaps = receiver.gaps();
            System.out.println("Retry gaps (always failing): " + gaps);
            assertGaps(gaps, 1, 2, 4, 8, 16);
            assertThat(sender.attempts(id))
                    .hasSize(6)
                    .extracting(a -> a.get("statusCode"))
                    .containsOnly(503);
            @SuppressWarnings("unchecked")
            Map<String, Object> delivery = ((List<Map<String, Object>>) dead.get("deliveries")).get(0);
            assertThat(delivery.get("status")).isEqualTo("dead");
            assertThat(delivery.get("attemptCount")).isEqualTo(6);
            assertThat(sender.listed("dead")).extracting(m -> m.get("id")).contains(id);

            healthy.set(true);
            sender.retry(id);
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));
            assertThat(receiver.requests())
                    .hasSize(7)
                    .extracting(r -> r.header("webhook-id"))
                    .containsOnly(id);
            assertThat(sender.attempts(id))
                    .hasSize(7)
                    .last()
                    .satisfies(a -> assertThat(a.get("statusCode")).isEqualTo(200));
            assertThat(sender.listed("dead")).extracting(m -> m.get("id")).doesNotContain(id);
        }
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() {
        try (Receiver elsewhere = Receiver.start(n -> Reply.ok());
                Receiver receiver = Receiver.start(
                        n -> n == 0 ? Reply.status(302).withHeader("Location", elsewhere.url("/moved")) : Reply.ok())) {
            String id = sender.send(receiver.url("/old"), "{\"moved\":true}");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));

            assertThat(elsewhere.requests())
                    .as("the redirect target is never called")
                    .isEmpty();
            List<Map<String, Object>> attempts = sender.attempts(id);
            assertThat(attempts).extracting(a -> a.get("statusCode")).containsExactly(302, 200);
            assertThat((String) attempts.get(0).get("error"))
                    .contains("redirect", elsewhere.url("/moved"), "not followed");
            assertGaps(receiver.gaps(), 1);
        }
    }

    @Test
    void goneStopsRetryingAtOnce() throws InterruptedException {
        try (Receiver receiver = Receiver.start(n -> Reply.status(410))) {
            String id = sender.send(receiver.url("/unsubscribed"), "{}");
            sender.awaitStatus(id, "dead", Duration.ofSeconds(10));
            Thread.sleep(1500); // longer than the first retry would wait

            assertThat(receiver.requests()).hasSize(1);
            assertThat(sender.attempts(id)).singleElement().satisfies(a -> {
                assertThat(a.get("statusCode")).isEqualTo(410);
                assertThat((String) a.get("error")).contains("410");
            });
        }
    }

    @Test
    void tooManyRequestsWaitsAsLongAsRetryAfterAsks() {
        try (Receiver receiver =
                Receiver.start(n -> n == 0 ? Reply.status(429).withHeader("Retry-After", "3") : Reply.ok())) {
            String id = sender.send(receiver.url("/busy"), "{}");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(15));

            List<Duration> gaps = receiver.gaps();
            System.out.println("Retry gap after 429 Retry-After: 3 -> " + gaps);
            assertGaps(gaps, 3);
            assertThat(sender.attempts(id)).extracting(a -> a.get("statusCode")).containsExactly(429, 200);
        }
    }

    @Test
    void aReceiverSlowerThanTheTimeoutCountsAsAFailedAttempt() {
        try (Receiver receiver = Receiver.start(n -> n == 0 ? Reply.ok().after(TIMEOUT.plusSeconds(3)) : Reply.ok())) {
            String id = sender.send(receiver.url("/slow"), "{}");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(15));

            List<Map<String, Object>> attempts = sender.attempts(id);
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).get("statusCode")).isNull();
            assertThat((String) attempts.get(0).get("error")).contains("timeout");
            assertThat(((Number) attempts.get(0).get("durationMs")).longValue())
                    .isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 2000);
            assertThat(attempts.get(1).get("statusCode")).isEqualTo(200);
        }
    }

    @Test
    void metricsCarryTheNamesOfTheDesign() throws Exception {
        try (Receiver receiver = Receiver.start(n -> n == 0 ? Reply.status(500) : Reply.ok())) {
            String id = sender.send(receiver.url("/metered"), "{}");
            sender.awaitStatus(id, "delivered", Duration.ofSeconds(10));
        }
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(scrape)
                    .contains("webhooks_delivered_total{status=\"success\"}")
                    .contains("webhooks_delivered_total{status=\"failed\"}")
                    .contains("webhook_delivery_duration_ms_count")
                    .contains("webhook_delivery_duration_ms_bucket")
                    .contains("chis_retries_queued_total")
                    .contains("chis_sweep_requeued_total")
                    .contains("chis_queue_depth ")
                    .contains("chis_queue_in_flight ")
                    .contains("chis_retries_waiting ")
                    .contains("chis_oldest_pending_age_seconds ")
                    .contains("chis_worker_in_flight ")
                    .doesNotContain("webhook_delivery_duration_seconds")
                    .doesNotContain("chis_retries_scheduled_total")
                    .doesNotContain("chis_dead_lettered_total");
            PromTool.assertValid(scrape);
        });
    }

    /** Each gap is at least its scheduled delay (in seconds), and not much more. */
    static void assertGaps(List<Duration> gaps, long... seconds) {
        assertThat(gaps).hasSize(seconds.length);
        for (int i = 0; i < seconds.length; i++) {
            Duration delay = Duration.ofSeconds(seconds[i]);
            assertThat(gaps.get(i)).as("gap %d of %s", i + 1, gaps).isBetween(delay, delay.plus(SLACK));
        }
    }
}
