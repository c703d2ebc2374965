package io.chis.runtime.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A database made before partitioning (V10) keeps its messages, deliveries, attempts and keys, and they work. */
class HistoryMigrationIT {

    @Test
    void aDatabaseAtV10MigratesIntoPartitionsWithItsDataIntactAndUsable() throws Exception {
        Map<String, String> env = TestRuntime.environment();
        DatabaseUrl url = DatabaseUrl.parse(env.get("DATABASE_URL"));
        Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/migration")
                .target("10")
                .load()
                .migrate();
        Db db = new Db(env.get("DATABASE_URL"));
        UUID account = UUID.randomUUID(), message = UUID.randomUUID(), delivery = UUID.randomUUID();
        String apiKey = "chis_legacy_" + UUID.randomUUID();
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok())) {
            db.query("insert into accounts (id, email, password_hash) values (?, 'legacy@example.com', 'x')", account);
            db.query(
                    "insert into signing_secrets (account_id, secret) values (?, ?)",
                    account,
                    "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]));
            db.query(
                    "insert into api_keys (id, account_id, name, key_hash, key_prefix) values (?, ?, 'k', ?, 'chis_legacy')",
                    UUID.randomUUID(),
                    account,
                    MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
            db.query("""
                            insert into messages (id, account_id, event_type, payload, idempotency_key, status, created_at)
                            values (?, ?, 'order.paid', '{"n":1}'::bytea, 'order-1', 'dead', now() - interval '2 hours')""", message, account);
            db.query("""
                            insert into deliveries (id, message_id, account_id, url, status, attempt_count, created_at)
                            values (?, ?, ?, ?, 'dead', 1, now() - interval '2 hours')""", delivery, message, account, receiver.url("/legacy"));
            db.query("""
                            insert into delivery_attempts (delivery_id, attempt, at, status_code, duration_ms, error)
                            values (?, 1, now() - interval '2 hours', 500, 12, 'HTTP 500')""", delivery);

            try (ChisRuntime runtime = TestRuntime.start(env)) {
                assertThat(db.count("select count(*) from messages_default")).isZero();
                assertThat(db.count("select count(*) from idempotency_keys where key = 'order-1'"))
                        .isEqualTo(1);
                ApiClient api = new ApiClient(runtime.settings().httpPort());
                Map<?, ?> seen = api.message(apiKey, message.toString());
                assertThat(seen.get("status")).isEqualTo("dead");
                assertThat(seen.get("eventType")).isEqualTo("order.paid");
                Map<?, ?> d = (Map<?, ?>) ((List<?>) seen.get("deliveries")).get(0);
                assertThat(d.get("id")).isEqualTo(delivery.toString());
                assertThat((List<?>) d.get("attempts")).hasSize(1);

                // usable: the old delivery is replayed, claimed and delivered like a new one
                api.http
                        .post()
                        .uri("/webhook/messages/{id}/retry", message)
                        .header("X-API-Key", apiKey)
                        .exchange()
                        .expectStatus()
                        .isAccepted();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> "delivered"
                                .equals(api.message(apiKey, message.toString()).get("status")));
                assertThat(receiver.requests())
                        .singleElement()
                        .satisfies(r -> assertThat(r.header("webhook-id")).isEqualTo(message.toString()));
                // and the idempotency key (2 hours old) still names the old message, for the same request
                String again = (String) api.http
                        .post()
                        .uri("/webhook/send")
                        .header("X-API-Key", apiKey)
                        .header("Idempotency-Key", "order-1")
                        .bodyValue(Map.of(
                                "url", receiver.url("/legacy"), "eventType", "order.paid", "payload", Map.of("n", 1)))
                        .exchange()
                        .expectStatus()
                        .isAccepted()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id");
                assertThat(again).isEqualTo(message.toString());
            }
        }
    }
}
