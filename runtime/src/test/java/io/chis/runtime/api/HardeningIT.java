package io.chis.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The small holes: idempotency keys, cursors, metric tags, slow clients, JWT revocation. */
class HardeningIT {

    static ChisRuntime runtime;
    static ApiClient api;
    static WebTestClient http;

    @BeforeAll
    static void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_HTTP_IDLE_TIMEOUT", "1s");
        runtime = TestRuntime.start(env);
        api = new ApiClient(runtime.settings().httpPort());
        http = api.http;
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void anIdempotencyKeyReusedForADifferentRequestIs422() {
        String key = api.newApiKey(api.newAccountToken());
        String body = "{\"url\":\"https://example.com/a\",\"payload\":{\"n\":1}}";
        String first = send(key, "order-1", body)
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id")
                .toString();
        assertThat(send(key, "order-1", body)
                        .expectStatus()
                        .isAccepted()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id"))
                .isEqualTo(first);
        for (String other : new String[] {
            "{\"url\":\"https://example.com/a\",\"payload\":{\"n\":2}}",
            "{\"url\":\"https://example.com/b\",\"payload\":{\"n\":1}}"
        }) {
            send(key, "order-1", other)
                    .expectStatus()
                    .isEqualTo(422)
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, d -> assertThat(d).contains("Idempotency-Key order-1", first));
        }
    }

    @Test
    void everyBadCursorIs400() {
        String key = api.newApiKey(api.newAccountToken());
        for (String cursor : new String[] {
            "not-base64!",
            b64("x:y"),
            b64("9000000000000000000:" + UUID.randomUUID()),
            b64("-5:" + UUID.randomUUID()),
            b64("99999999999999999999:" + UUID.randomUUID())
        }) {
            http.get()
                    .uri(u -> u.path("/webhook/messages")
                            .queryParam("cursor", cursor)
                            .build())
                    .header("X-API-Key", key)
                    .exchange()
                    .expectStatus()
                    .isBadRequest();
        }
    }

    @Test
    void anInventedMethodIsCountedAsOther() throws Exception {
        http.method(HttpMethod.valueOf("FROB")).uri("/health").exchange();
        try (HttpClient client = HttpClient.newHttpClient()) {
            String scrape = client.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:"
                                            + runtime.settings().metricsPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(scrape).contains("http_requests_total{method=\"OTHER\"").doesNotContain("FROB");
        }
    }

    @Test
    void anErrorAnswerEndsItsConnectionRatherThanStallingTheNextRequest() throws Exception {
        // a client retrying with a bad key on one connection: on a kept connection the next request could hang
        // (Reactor Netty 1.3.6), so error answers close it and the client opens a new one
        String badKey = "POST /webhook/send HTTP/1.1\r\nHost: x\r\nX-API-Key: nope\r\n"
                + "Content-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"payload\":{}}";
        String badCursor = "GET /webhook/messages?cursor=x HTTP/1.1\r\nHost: x\r\n\r\n";
        for (String request : new String[] {badKey, badCursor, badKey}) {
            try (Socket socket = new Socket("localhost", runtime.settings().httpPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 4").containsIgnoringCase("connection: close");
                assertThat(in.read()).as("closed by the server").isEqualTo(-1);
            }
        }
        // successful answers keep the connection: two on one socket
        try (Socket socket = new Socket("localhost", runtime.settings().httpPort())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream()
                        .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
            }
        }
    }

    /** One HTTP/1.1 response with a Content-Length body: its head and body as text. */
    private static String readResponse(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new java.io.EOFException("connection closed after: " + head);
            head.append((char) b);
        }
        var length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
    }

    @Test
    void anIdleConnectionIsClosedByTheServer() throws Exception {
        try (Socket socket = new Socket("localhost", runtime.settings().httpPort())) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoTimeout(15_000);
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            // the headers never end: the server closes the connection after CHIS_HTTP_IDLE_TIMEOUT
            assertThat(in.read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void logoutAndPasswordChangeRevokeOutstandingTokens() {
        String email = "rev-" + UUID.randomUUID() + "@example.com";
        http.post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "first-password"))
                .exchange()
                .expectStatus()
                .isCreated();
        String old = api.login(email, "first-password");
        String other = api.login(email, "first-password");
        keys(old).expectStatus().isOk();
        bearer(HttpMethod.POST, "/auth/logout", old).exchange().expectStatus().isNoContent();
        keys(old).expectStatus().isUnauthorized();
        keys(other)
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.detail")
                .value(String.class, d -> assertThat(d).contains("revoked"));

        String current = api.login(email, "first-password");
        bearer(HttpMethod.POST, "/auth/password", current)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("currentPassword", "wrong-password", "newPassword", "second-password"))
                .exchange()
                .expectStatus()
                .isForbidden();
        String fresh = bearer(HttpMethod.POST, "/auth/password", current)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("currentPassword", "first-password", "newPassword", "second-password"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
        keys(current).expectStatus().isUnauthorized();
        keys(fresh).expectStatus().isOk();
        assertThat(api.login(email, "second-password")).isNotBlank();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> http.post()
                        .uri("/auth/login")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("email", email, "password", "first-password"))
                        .exchange()
                        .expectStatus()
                        .isUnauthorized());
    }

    private static WebTestClient.ResponseSpec send(String apiKey, String idempotencyKey, String body) {
        return http.post()
                .uri("/webhook/send")
                .header("X-API-Key", apiKey)
                .header(MessageHandler.IDEMPOTENCY_KEY, idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static WebTestClient.ResponseSpec keys(String token) {
        return bearer(HttpMethod.GET, "/api/api-keys", token).exchange();
    }

    private static WebTestClient.RequestBodySpec bearer(HttpMethod method, String path, String token) {
        return http.method(method).uri(path).header("Authorization", "Bearer " + token);
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
