package io.chis.runtime.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code POST /webhook/recover} on real runtimes: 1,000 dead deliveries over two days (rows back-dated in
 * PostgreSQL), one day recovered batch by batch, a restart in the middle, and overlapping windows refused.
 */
class RecoveryIT {

    private static final String DAY_ONE = "2026-03-01T00:00:00Z";
    private static final String DAY_TWO = "2026-03-02T00:00:00Z";
    private static final String DAY_THREE = "2026-03-03T00:00:00Z";

    private final Map<String, String> shared = TestRuntime.environment();
    private final List<ChisRuntime> running = new ArrayList<>();
    private final Db db = new Db(shared.get("DATABASE_URL"));
    private String token;
    private String apiKey;
    private UUID account;

    @AfterEach
    void stopAll() {
        for (ChisRuntime runtime : running.reversed()) runtime.close();
    }

    /** api, delivery and scheduler, without workers: recovered deliveries stay pending for the test to count. */
    private ApiClient start(String schedulerTick) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("CHIS_ROLES", "api,delivery,scheduler");
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("CHIS_SCHEDULER_TICK", schedulerTick);
        ChisRuntime runtime = TestRuntime.start(env);
        running.add(runtime);
        return new ApiClient(runtime.settings().httpPort());
    }

    @BeforeEach
    void noRuntimeYet() {
        running.clear();
    }

    /**
     * An account with 1,000 dead deliveries, one every 172.8 s from day one to the end of day two, each with its six
     * attempts, inserted back-dated as the runtime would have stored them.
     */
    private void deadDeliveries(ApiClient api) {
        token = api.newAccountToken();
        apiKey = api.newApiKey(token);
        account = (UUID) db.query("select id from accounts").getFirst().get("id");
        db.query("""
                insert into messages (id, account_id, event_type, payload, status, created_at)
                select %s, ?, 'order.created', convert_to('{"n":' || i || '}', 'UTF8'), 'dead', at
                from generate_series(0, 999) as i,
                     lateral (select timestamptz '2026-03-01T00:00:00Z' + i * interval '172.8 seconds' as at) t""".formatted(uuidV7("at")), account);
        db.query("""
                insert into deliveries (id, message_id, account_id, url, status, attempt_count, created_at)
                select %s, id, account_id, 'https://receiver.example.com/in', 'dead', 6, created_at
                from messages where account_id = ?""".formatted(uuidV7("created_at")), account);
        db.query("""
                insert into delivery_attempts (delivery_id, attempt, at, status_code, duration_ms, created_at)
                select id, a, created_at, 500, 10, created_at from deliveries, generate_series(1, 6) as a""");
    }

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

    /** A UUIDv7 carrying the time {@code at} (SQL), as the runtime makes ids: it places a lookup in its partition. */
    private static String uuidV7(String at) {
        return "(lpad(to_hex((extract(epoch from " + at + ") * 1000)::bigint), 12, '0') || '7'"
                + " || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid";
    }

    private Map<String, Object> recover(ApiClient api, String body, int status) {
        return api.http
                .post()
                .uri("/webhook/recover")
                .header("X-API-Key", apiKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    private static Map<String, Object> progress(WebTestClient http, String auth, String id) {
        return http.get()
                .uri("/webhook/recover/{id}", id)
                .header("Authorization", "Bearer " + auth)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    private static long number(Map<?, ?> body, String field) {
        return ((Number) body.get(field)).longValue();
    }

    @Test
    void oneDayOfDeadDeliveriesIsRequeuedInBatchesAndAResartResumesWhereItWas() {
        ApiClient first = start("1s"); // one batch of 200 a second: slow enough to stop half-way
        deadDeliveries(first);

        Map<String, Object> started =
                recover(first, "{\"since\":\"" + DAY_ONE + "\",\"until\":\"" + DAY_TWO + "\"}", 202);
        assertThat(started).containsOnlyKeys("id", "status").containsEntry("status", "running");
        String id = (String) started.get("id");

        Map<String, Object> halfWay = await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> progress(first.http, token, id), p -> number(p, "requeued") > 0);
        running.removeFirst().close(); // the scheduler stops in the middle of the window
        assertThat(halfWay)
                .containsEntry("status", "running")
                .containsEntry("since", DAY_ONE)
                .containsEntry("until", DAY_TWO)
                .containsEntry("finishedAt", null);
        assertThat(number(halfWay, "matched")).isEqualTo(500);
        long requeuedBeforeRestart = db.count("select requeued from recoveries");
        assertThat(requeuedBeforeRestart).isBetween(1L, 499L);
        assertThat(db.count("select count(*) from deliveries where status = 'pending'"))
                .isEqualTo(requeuedBeforeRestart);

        ApiClient second = start("100ms");
        Map<String, Object> done = await().atMost(Duration.ofSeconds(15))
                .until(() -> progress(second.http, token, id), p -> "done".equals(p.get("status")));
        assertThat(number(done, "matched")).isEqualTo(500);
        assertThat(number(done, "requeued")).as("each delivery re-queued once").isEqualTo(500);
        assertThat(done.get("startedAt")).isNotNull();
        assertThat(done.get("finishedAt")).isNotNull();

        // day one is pending again, day two is still dead; nothing lost its history
        assertThat(db.query("select status, count(*) as n, min(created_at) as first, max(created_at) as last"
                        + " from deliveries group by status order by status"))
                .extracting(row -> row.get("status") + "=" + row.get("n"))
                .containsExactly("dead=500", "pending=500");
        assertThat(db.count(
                        "select count(*) from deliveries where status = 'pending' and created_at >= ?::timestamptz",
                        DAY_TWO))
                .isZero();
        assertThat(db.count("select count(*) from deliveries where status = 'pending' and retry_base = 6"))
                .as("a fresh retry schedule")
                .isEqualTo(500);
        assertThat(db.count("select count(*) from delivery_attempts")).isEqualTo(6000);
        String messageId =
                (String) db.query("select message_id::text as id from deliveries where status = 'pending' limit 1")
                        .getFirst()
                        .get("id");
        Map<?, ?> message = second.message(apiKey, messageId);
        assertThat(message.get("status")).isEqualTo("pending");
        Map<?, ?> delivery = (Map<?, ?>) ((List<?>) message.get("deliveries")).getFirst();
        assertThat((List<?>) delivery.get("attempts")).hasSize(6);
    }

    @Test
    void anOverlappingWindowIsRefusedWhileTheFirstRuns() {
        ApiClient api = start("1h"); // recoveries stay running through the test
        deadDeliveries(api);
        String endpoint = (String)
                api.newEndpoint(token, Map.of("name", "e", "url", "https://e.example.com", "eventTypes", List.of("*")))
                        .get("id");

        String all = (String) recover(api, "{\"since\":\"" + DAY_ONE + "\",\"until\":\"" + DAY_TWO + "\"}", 202)
                .get("id");
        Map<String, Object> conflict = recover(
                api,
                "{\"since\":\"2026-03-01T12:00:00Z\",\"until\":\"" + DAY_THREE + "\",\"endpointId\":\"" + endpoint
                        + "\"}",
                409);
        assertThat((String) conflict.get("detail")).contains(all);
        // half-open windows: [day one, day two) and [day two, day three) do not overlap
        String next = (String) recover(api, "{\"since\":\"" + DAY_TWO + "\",\"until\":\"" + DAY_THREE + "\"}", 202)
                .get("id");
        recover(api, "{\"since\":\"2026-03-02T06:00:00+01:00\",\"endpointId\":\"" + endpoint + "\"}", 409);
        String later =
                (String) recover(api, "{\"since\":\"" + DAY_THREE + "\",\"endpointId\":\"" + endpoint + "\"}", 202)
                        .get("id");
        assertThat(progress(api.http, token, later)).containsEntry("matched", 0).containsEntry("status", "running");
        assertThat(number(progress(api.http, token, next), "matched")).isEqualTo(500);

        assertThat((String) recover(api, "{\"until\":\"" + DAY_TWO + "\"}", 400).get("detail"))
                .contains("since");
        assertThat((String) recover(api, "{\"since\":\"yesterday\"}", 400).get("detail"))
                .contains("RFC 3339");
        assertThat((String) recover(api, "{\"since\":\"" + DAY_TWO + "\",\"until\":\"" + DAY_ONE + "\"}", 400)
                        .get("detail"))
                .contains("later than since");
        recover(api, "{\"since\":\"" + DAY_ONE + "\",\"endpointId\":\"" + UUID.randomUUID() + "\"}", 404);
        api.http
                .get()
                .uri("/webhook/recover/{id}", UUID.randomUUID())
                .header("X-API-Key", apiKey)
                .exchange()
                .expectStatus()
                .isNotFound();
        api.http
                .get()
                .uri("/webhook/recover/{id}", all)
                .header("X-API-Key", api.newApiKey(api.newAccountToken()))
                .exchange()
                .expectStatus()
                .isNotFound();
        api.http
                .post()
                .uri("/webhook/recover")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"since\":\"" + DAY_ONE + "\"}")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }
}
