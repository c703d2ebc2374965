package io.chis.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.queue.RedisWorkQueue;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.NettyLeakGuard;
import io.chis.runtime.testing.PromTool;
import io.chis.runtime.testing.TestHttp;
import io.chis.runtime.testing.TestRuntime;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The REST API end to end on a real runtime (api + delivery roles, no worker so queued ids stay visible) over
 * real PostgreSQL and Redis: what the README's curl sequence does, and every bad input it must refuse.
 */
@ExtendWith(NettyLeakGuard.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {

    static final int MAX_PAYLOAD = 1024;

    ChisRuntime runtime;
    ApiClient api;
    WebTestClient http;
    Db db;
    RedisClient redis;
    String token;
    String apiKey;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ROLES", "api,delivery");
        env.put("CHIS_MAX_PAYLOAD_BYTES", String.valueOf(MAX_PAYLOAD));
        runtime = TestRuntime.start(env);
        api = new ApiClient(runtime.settings().httpPort());
        http = api.http;
        db = new Db(env.get("DATABASE_URL"));
        redis = RedisClient.create(env.get("REDIS_URL"));
        token = api.newAccountToken();
        apiKey = api.newApiKey(token);
    }

    @AfterAll
    void stop() {
        redis.shutdown();
        runtime.close();
    }

    long messages() {
        return db.count("select count(*) from messages");
    }

    List<StreamMessage<String, String>> queued() {
        try (var connection = redis.connect()) {
            return connection.sync().xrange(RedisWorkQueue.STREAM, Range.create("-", "+"));
        }
    }

    WebTestClient.ResponseSpec sendRaw(String key, String body) {
        var request = http.post().uri("/webhook/send").contentType(MediaType.APPLICATION_JSON);
        if (key != null) request = request.header("X-API-Key", key);
        return request.bodyValue(body).exchange();
    }

    static void isProblem(WebTestClient.ResponseSpec response, int status, String detailPart) {
        response.expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(status)
                .jsonPath("$.title")
                .isNotEmpty()
                .jsonPath("$.detail")
                .value(String.class, detail -> {
                    assertThat(detail).containsIgnoringCase(detailPart);
                    assertThat(detail).doesNotContain("Exception").doesNotContain("\tat ");
                });
    }

    @Nested
    class Sending {

        @Test
        void acceptedMessageIsStoredWithExactPayloadAndQueued() {
            String payload = "{ \"user\" : {\"id\": 42,  \"name\": \"Zoë\"}, \"tags\":[1, 2] }";
            String id = api.send(
                    apiKey,
                    "{\"url\":\"https://example.com/hooks\",\"eventType\":\"user.created\",\"payload\":" + payload
                            + "}");

            var row = db.query("select event_type, payload, status from messages where id = ?::uuid", id)
                    .get(0);
            assertThat(row.get("event_type")).isEqualTo("user.created");
            assertThat(new String((byte[]) row.get("payload"), StandardCharsets.UTF_8))
                    .isEqualTo(payload);
            assertThat(row.get("status")).isEqualTo("pending");
            var delivery = db.query("select id, url, status from deliveries where message_id = ?::uuid", id)
                    .get(0);
            assertThat(delivery.get("url")).isEqualTo("https://example.com/hooks");
            assertThat(queued())
                    .extracting(m -> m.getBody().get(RedisWorkQueue.FIELD))
                    .contains(delivery.get("id").toString());

            Map<?, ?> message = api.message(apiKey, id);
            assertThat(message.get("id")).isEqualTo(id);
            assertThat(message.get("status")).isEqualTo("pending");
            assertThat(message.get("eventType")).isEqualTo("user.created");
            assertThat((List<?>) message.get("deliveries")).singleElement().satisfies(d -> {
                Map<?, ?> dm = (Map<?, ?>) d;
                assertThat(dm.get("url")).isEqualTo("https://example.com/hooks");
                assertThat(dm.get("status")).isEqualTo("pending");
                assertThat(dm.get("attemptCount")).isEqualTo(0);
                assertThat((List<?>) dm.get("attempts")).isEmpty();
            });
        }

        @Test
        void sameIdempotencyKeyReturnsTheSameMessageAndQueuesOnce() {
            String key = "order-" + UUID.randomUUID();
            String body = "{\"url\":\"https://example.com/orders\",\"payload\":{\"n\":1}}";
            String first = sendWithKey(body, key);
            int queuedAfterFirst = queued().size();
            String second = sendWithKey(body, key);

            assertThat(second).isEqualTo(first);
            assertThat(db.count(
                            "select count(*) from messages m join idempotency_keys k on k.message_id = m.id where k.key = ?",
                            key))
                    .isEqualTo(1);
            assertThat(queued()).hasSize(queuedAfterFirst);
            assertThat(sendWithKey(body, key + "-other")).isNotEqualTo(first);
        }

        String sendWithKey(String body, String key) {
            return (String) http.post()
                    .uri("/webhook/send")
                    .header("X-API-Key", apiKey)
                    .header("Idempotency-Key", key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody()
                    .get("id");
        }

        @Test
        void badInputIsRefusedWithAProblemAndNothingIsStored() {
            long before = messages();
            int queuedBefore = queued().size();
            isProblem(sendRaw(apiKey, "{\"url\": \"https://example.com\", \"payload\": {"), 400, "not valid JSON");
            isProblem(sendRaw(apiKey, "[1,2]"), 400, "JSON object");
            isProblem(sendRaw(apiKey, "{\"payload\":{}}"), 400, "url is required");
            isProblem(sendRaw(apiKey, "{\"url\":\"https://example.com\"}"), 400, "payload is required");
            isProblem(sendRaw(apiKey, "{\"url\":\"ftp://example.com/x\",\"payload\":{}}"), 400, "http or https");
            isProblem(sendRaw(apiKey, "{\"url\":\"not a url\",\"payload\":{}}"), 400, "url");
            isProblem(
                    sendRaw(apiKey, "{\"url\":\"https://example.com\",\"eventType\":7,\"payload\":{}}"),
                    400,
                    "eventType must be a string");
            isProblem(sendRaw(apiKey, ""), 400, "body is required");
            String big = "{\"url\":\"https://example.com\",\"payload\":\"" + "x".repeat(MAX_PAYLOAD) + "\"}";
            isProblem(sendRaw(apiKey, big), 413, "limit");
            String huge =
                    "{\"url\":\"https://example.com\",\"payload\":\"" + "x".repeat(MAX_PAYLOAD + 64 * 1024) + "\"}";
            sendRaw(apiKey, huge).expectStatus().isEqualTo(413);
            isProblem(sendRaw(null, "{\"url\":\"https://example.com\",\"payload\":{}}"), 401, "X-API-Key");
            isProblem(
                    sendRaw("chis_unknown", "{\"url\":\"https://example.com\",\"payload\":{}}"),
                    401,
                    "unknown or revoked");
            assertThat(messages()).isEqualTo(before);
            assertThat(queued()).hasSize(queuedBefore);
        }

        @Test
        void payloadAtTheLimitIsAccepted() {
            String payload = "\"" + "y".repeat(MAX_PAYLOAD - 2) + "\"";
            String id = api.send(apiKey, "{\"url\":\"https://example.com\",\"payload\":" + payload + "}");
            assertThat(db.count("select length(payload) from messages where id = ?::uuid", id))
                    .isEqualTo(MAX_PAYLOAD);
        }
    }

    @Nested
    class Accounts {

        @Test
        void registerAnswersTheAccountWithoutThePassword() {
            http.post()
                    .uri("/auth/register")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of(
                            "email",
                            "grace-" + UUID.randomUUID() + "@example.com",
                            "password",
                            "12345678",
                            "firstName",
                            "Grace",
                            "lastName",
                            "Hopper"))
                    .exchange()
                    .expectStatus()
                    .isCreated()
                    .expectBody()
                    .jsonPath("$.id")
                    .isNotEmpty()
                    .jsonPath("$.firstName")
                    .isEqualTo("Grace")
                    .jsonPath("$.lastName")
                    .isEqualTo("Hopper")
                    .jsonPath("$.createdAt")
                    .isNotEmpty()
                    .jsonPath("$.password")
                    .doesNotExist()
                    .jsonPath("$.passwordHash")
                    .doesNotExist();
        }

        @Test
        void badRegistrationsAreRefused() {
            String email = "dup-" + UUID.randomUUID() + "@example.com";
            register(Map.of("email", email, "password", "long-enough"))
                    .expectStatus()
                    .isCreated();
            long accounts = db.count("select count(*) from accounts");
            isProblem(register(Map.of("email", email.toUpperCase(), "password", "long-enough")), 409, "already exists");
            isProblem(register(Map.of("email", "not-an-email", "password", "long-enough")), 400, "email");
            isProblem(register(Map.of("email", "short@example.com", "password", "1234567")), 400, "at least 8");
            isProblem(register(Map.of("password", "long-enough")), 400, "email is required");
            isProblem(
                    http.post()
                            .uri("/auth/register")
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue("{\"email\":")
                            .exchange(),
                    400,
                    "JSON");
            assertThat(db.count("select count(*) from accounts")).isEqualTo(accounts);
            assertThat(db.query("select password_hash from accounts where email = ?", email)
                            .get(0)
                            .get("password_hash"))
                    .asString()
                    .startsWith("$2")
                    .doesNotContain("long-enough");
        }

        @Test
        void loginFailuresLookAlike() {
            String email = "login-" + UUID.randomUUID() + "@example.com";
            register(Map.of("email", email, "password", "right-password"))
                    .expectStatus()
                    .isCreated();
            http.post()
                    .uri("/auth/login")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("email", email, "password", "right-password"))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.tokenType")
                    .isEqualTo("Bearer")
                    .jsonPath("$.expiresIn")
                    .isEqualTo(86400)
                    .jsonPath("$.token")
                    .isNotEmpty();
            isProblem(login(email, "wrong-password"), 401, "invalid email or password");
            isProblem(
                    login("nobody-" + UUID.randomUUID() + "@example.com", "right-password"),
                    401,
                    "invalid email or password");
        }

        WebTestClient.ResponseSpec register(Map<String, String> body) {
            return http.post()
                    .uri("/auth/register")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange();
        }

        WebTestClient.ResponseSpec login(String email, String password) {
            return http.post()
                    .uri("/auth/login")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("email", email, "password", password))
                    .exchange();
        }
    }

    @Nested
    class Credentials {

        @Test
        void apiKeysAreShownOnceListedWithoutSecretsAndRevocable() {
            String owner = api.newAccountToken();
            String key = api.newApiKey(owner);
            assertThat(key).startsWith("chis_");
            assertThat(db.count(
                            "select count(*) from api_keys where key_prefix = ? and key_hash is not null",
                            key.substring(0, 12)))
                    .isEqualTo(1);

            var listed = http.get()
                    .uri("/api/api-keys")
                    .header("Authorization", "Bearer " + owner)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(listed).doesNotContain(key).contains("\"prefix\"");
            List<?> keys = http.get()
                    .uri("/api/api-keys")
                    .header("Authorization", "Bearer " + owner)
                    .exchange()
                    .expectBody(List.class)
                    .returnResult()
                    .getResponseBody();
            String id = (String) ((Map<?, ?>) keys.get(0)).get("id");

            api.send(key, "{\"url\":\"https://example.com\",\"payload\":{}}");
            http.delete()
                    .uri("/api/api-keys/{id}", id)
                    .header("Authorization", "Bearer " + owner)
                    .exchange()
                    .expectStatus()
                    .isNoContent();
            isProblem(sendRaw(key, "{\"url\":\"https://example.com\",\"payload\":{}}"), 401, "unknown or revoked");
            isProblem(
                    http.delete()
                            .uri("/api/api-keys/{id}", id)
                            .header("Authorization", "Bearer " + owner)
                            .exchange(),
                    404,
                    "no active API key");
            // another account cannot revoke someone else's key
            String other = api.newAccountToken();
            String otherKey = api.newApiKey(other);
            var otherKeys = http.get()
                    .uri("/api/api-keys")
                    .header("Authorization", "Bearer " + other)
                    .exchange()
                    .expectBody(List.class)
                    .returnResult()
                    .getResponseBody();
            String otherId = (String) ((Map<?, ?>) otherKeys.get(0)).get("id");
            isProblem(
                    http.delete()
                            .uri("/api/api-keys/{id}", otherId)
                            .header("Authorization", "Bearer " + owner)
                            .exchange(),
                    404,
                    "no active API key");
            api.send(otherKey, "{\"url\":\"https://example.com\",\"payload\":{}}");
        }

        @Test
        void expiredForgedAndMissingTokensAreRefused() {
            String forged = Jwts.builder()
                    .issuer("chis")
                    .subject(UUID.randomUUID().toString())
                    .expiration(Date.from(Instant.now().plusSeconds(600)))
                    .signWith(Keys.hmacShaKeyFor(
                            "another-secret-that-is-32-bytes-or-more!!".getBytes(StandardCharsets.UTF_8)))
                    .compact();
            String expired = Jwts.builder()
                    .issuer("chis")
                    .subject(UUID.randomUUID().toString())
                    .issuedAt(Date.from(Instant.now().minusSeconds(7200)))
                    .expiration(Date.from(Instant.now().minusSeconds(3600)))
                    .signWith(Keys.hmacShaKeyFor(TestRuntime.JWT_SECRET.getBytes(StandardCharsets.UTF_8)))
                    .compact();
            for (String bad : List.of(forged, expired, "not.a.jwt")) {
                isProblem(
                        http.post()
                                .uri("/api/api-key/create")
                                .header("Authorization", "Bearer " + bad)
                                .exchange(),
                        401,
                        "invalid or expired token");
            }
            isProblem(http.get().uri("/api/api-keys").exchange(), 401, "Bearer");
            isProblem(
                    http.get()
                            .uri("/api/signing-secret")
                            .header("Authorization", "Basic abc")
                            .exchange(),
                    401,
                    "Bearer");
        }

        @Test
        void signingSecretRotationKeepsThePreviousSecretForADay() {
            String owner = api.newAccountToken();
            Map<?, ?> first = http.get()
                    .uri("/api/signing-secret")
                    .header("Authorization", "Bearer " + owner)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            assertThat((String) first.get("secret")).startsWith("whsec_");
            assertThat(first.containsKey("previousSecret")).isFalse();

            Map<?, ?> rotated = http.post()
                    .uri("/api/signing-secret/rotate")
                    .header("Authorization", "Bearer " + owner)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(rotated.get("secret")).isNotEqualTo(first.get("secret"));
            assertThat(rotated.get("previousSecret")).isEqualTo(first.get("secret"));
            Instant validUntil = Instant.parse((String) rotated.get("previousValidUntil"));
            assertThat(validUntil)
                    .isBetween(
                            Instant.now().plusSeconds(23 * 3600), Instant.now().plusSeconds(25 * 3600));
        }
    }

    @Nested
    class Reading {

        @Test
        void messagesAreReadableWithKeyOrTokenButOnlyByTheirAccount() {
            String id = api.send(apiKey, "{\"url\":\"https://example.com/r\",\"payload\":[1]}");
            http.get()
                    .uri("/webhook/messages/{id}", id)
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.id")
                    .isEqualTo(id);
            String stranger = api.newApiKey(api.newAccountToken());
            isProblem(
                    http.get()
                            .uri("/webhook/messages/{id}", id)
                            .header("X-API-Key", stranger)
                            .exchange(),
                    404,
                    "no message");
            isProblem(
                    http.get()
                            .uri("/webhook/messages/{id}", UUID.randomUUID())
                            .header("X-API-Key", apiKey)
                            .exchange(),
                    404,
                    "no message");
            isProblem(
                    http.get()
                            .uri("/webhook/messages/not-a-uuid")
                            .header("X-API-Key", apiKey)
                            .exchange(),
                    404,
                    "no message");
            isProblem(http.get().uri("/webhook/messages/{id}", id).exchange(), 401, "Bearer");
        }

        @Test
        void listIsCursorPaginatedAndFiltered() {
            String key = api.newApiKey(api.newAccountToken());
            String a = api.send(key, "{\"url\":\"https://example.com/1\",\"payload\":1}");
            String b = api.send(key, "{\"url\":\"https://example.com/2\",\"payload\":2}");
            String c = api.send(key, "{\"url\":\"https://example.com/3\",\"payload\":3}");

            Map<?, ?> page1 = list(key, "?limit=2");
            assertThat(ids(page1)).containsExactly(c, b);
            assertThat(page1.get("nextCursor")).isNotNull();
            Map<?, ?> page2 = list(key, "?limit=2&cursor=" + page1.get("nextCursor"));
            assertThat(ids(page2)).containsExactly(a);
            assertThat(page2.get("nextCursor")).isNull();

            assertThat(ids(list(key, "?status=pending"))).containsExactly(c, b, a);
            assertThat(ids(list(key, "?status=dead"))).isEmpty();
            isProblem(
                    http.get()
                            .uri("/webhook/messages?status=lost")
                            .header("X-API-Key", key)
                            .exchange(),
                    400,
                    "status must be one of");
            isProblem(
                    http.get()
                            .uri("/webhook/messages?limit=0")
                            .header("X-API-Key", key)
                            .exchange(),
                    400,
                    "limit");
            isProblem(
                    http.get()
                            .uri("/webhook/messages?limit=abc")
                            .header("X-API-Key", key)
                            .exchange(),
                    400,
                    "limit");
            isProblem(
                    http.get()
                            .uri("/webhook/messages?cursor=bogus")
                            .header("X-API-Key", key)
                            .exchange(),
                    400,
                    "cursor");
        }

        @Test
        void retryRequeuesOnlyDeadDeliveries() {
            String id = api.send(apiKey, "{\"url\":\"https://example.com/dead\",\"payload\":{}}");
            isProblem(
                    http.post()
                            .uri("/webhook/messages/{id}/retry", id)
                            .header("X-API-Key", apiKey)
                            .exchange(),
                    409,
                    "no dead-lettered");

            // what the scheduler does after the last retry fails
            db.query("update deliveries set status = 'dead', attempt_count = 6 where message_id = ?::uuid", id);
            db.query("update messages set status = 'dead' where id = ?::uuid", id);
            assertThat(ids(list(apiKey, "?status=dead"))).contains(id);
            int queuedBefore = queued().size();

            http.post()
                    .uri("/webhook/messages/{id}/retry", id)
                    .header("X-API-Key", apiKey)
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody()
                    .jsonPath("$.requeued")
                    .isEqualTo(1);
            Map<?, ?> message = api.message(apiKey, id);
            assertThat(message.get("status")).isEqualTo("pending");
            assertThat(db.query("select retry_base from deliveries where message_id = ?::uuid", id)
                            .get(0)
                            .get("retry_base"))
                    .isEqualTo(6);
            assertThat(queued()).hasSize(queuedBefore + 1);
            isProblem(
                    http.post()
                            .uri("/webhook/messages/{id}/retry", UUID.randomUUID())
                            .header("X-API-Key", apiKey)
                            .exchange(),
                    404,
                    "no message");
        }

        List<String> ids(Map<?, ?> page) {
            return ((List<?>) page.get("messages"))
                    .stream().map(m -> (String) ((Map<?, ?>) m).get("id")).toList();
        }

        Map<?, ?> list(String key, String query) {
            return http.get()
                    .uri("/webhook/messages" + query)
                    .header("X-API-Key", key)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
        }
    }

    @Test
    void metricsUseTheContractNamesInValidPrometheusText() throws Exception {
        http.get().uri("/health").exchange().expectStatus().isOk();
        String text = TestHttp.client(runtime.settings().metricsPort())
                .get()
                .uri("/metrics")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .value("Content-Type", type -> assertThat(type).startsWith("text/plain"))
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(text)
                .contains("# TYPE http_requests_total counter")
                .contains("# TYPE http_request_duration_ms histogram")
                .containsPattern("http_requests_total\\{method=\"GET\",route=\"/health\",status=\"200\"} [1-9]")
                .contains("http_request_duration_ms_count{method=\"GET\",route=\"/health\",status=\"200\"}")
                .doesNotContain("http_request_duration_ms_seconds")
                .doesNotContain("http_server_requests");
        PromTool.assertValid(text);
    }

    @Test
    void unknownRoutesAndMethodsAnswerProblems() {
        isProblem(http.get().uri("/no/such/route").exchange(), 404, "no route");
        http.get()
                .uri("/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }
}
