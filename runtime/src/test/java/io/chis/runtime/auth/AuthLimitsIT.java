package io.chis.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.proto.v1.CreateAccountRequest;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.testing.AdminClient;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Throttled sign-in, closed registration and the ways accounts are made then, per-account limits. */
class AuthLimitsIT {

    @Test
    void wrongPasswordsForOneEmailAreRefusedWith429AndRetryAfterWithinAMinute() {
        try (ChisRuntime runtime = TestRuntime.start(TestRuntime.environment())) {
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String email = register(api.http, 201);
            int refusedAt = -1;
            for (int attempt = 1; attempt <= 20 && refusedAt < 0; attempt++) {
                int status = login(api.http, email, "wrong-password")
                        .returnResult(String.class)
                        .getStatus()
                        .value();
                if (status == 429) refusedAt = attempt;
                else assertThat(status).isEqualTo(401);
            }
            assertThat(refusedAt).as("refused within 20 wrong passwords").isBetween(2, 20);
            // while over the limit even the right password waits: guessing gets no answer
            login(api.http, email, "correct-horse-battery")
                    .expectStatus()
                    .isEqualTo(429)
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader()
                    .value("Retry-After", v -> assertThat(Integer.parseInt(v)).isBetween(1, 60))
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, d -> assertThat(d).contains("too many failed attempts"));
            // another account from the same address is unaffected: a test suite signs many in
            for (int i = 0; i < 30; i++) api.newAccountToken();
        }
    }

    @Test
    void perAddressLimitAndLengthLimitsAndAccountLimits() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_AUTH_RATE", "address:6/1m");
        env.put("CHIS_ACCOUNT_SEND_RATE", "2/1m");
        env.put("CHIS_MAX_ENDPOINTS_PER_ACCOUNT", "1");
        try (ChisRuntime runtime = TestRuntime.start(env)) {
            WebTestClient http = new ApiClient(runtime.settings().httpPort()).http;
            String email = register(http, 201);
            String token = new ApiClient(runtime.settings().httpPort()).login(email, "correct-horse-battery");
            http.post()
                    .uri("/auth/register")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of(
                            "email",
                            "x-" + UUID.randomUUID() + "@example.com",
                            "password",
                            "correct-horse-battery",
                            "firstName",
                            "a".repeat(101)))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, d -> assertThat(d).contains("firstName", "100"));
            // a proxy on loopback names the client: another client behind it has its own allowance
            for (int i = 0; i < 3; i++) login(http, email, "wrong-password");
            login(http, email, "wrong-password").expectStatus().isEqualTo(429);
            http.post()
                    .uri("/auth/login")
                    .header("X-Forwarded-For", "203.0.113.7")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("email", "nobody@example.com", "password", "whatever-it-is"))
                    .exchange()
                    .expectStatus()
                    .isUnauthorized();

            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(token);
            String body = "{\"url\":\"https://example.com/x\",\"payload\":{}}";
            api.send(key, body);
            api.send(key, body);
            http.post()
                    .uri("/webhook/send")
                    .header("X-API-Key", key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(429)
                    .expectHeader()
                    .exists("Retry-After")
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, d -> assertThat(d).contains("CHIS_ACCOUNT_SEND_RATE"));

            Map<String, Object> endpoint =
                    Map.of("name", "one", "url", "https://example.com/in", "eventTypes", List.of("*"));
            api.newEndpoint(token, endpoint);
            http.post()
                    .uri("/api/endpoints")
                    .header("Authorization", "Bearer " + token)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(endpoint)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(409)
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, d -> assertThat(d).contains("CHIS_MAX_ENDPOINTS_PER_ACCOUNT=1"));
        }
    }

    @Test
    void closedRegistrationAnswers403AndAccountsComeFromTheCommandOrTheAdminApi() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_REGISTRATION", "closed");
        env.put("CHIS_ADMIN_TOKEN", "admin-token");
        try (ChisRuntime runtime = TestRuntime.start(env);
                AdminClient admin = new AdminClient(runtime.settings().grpcPort(), "admin-token")) {
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            api.http
                    .post()
                    .uri("/auth/register")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("email", "someone@example.com", "password", "correct-horse-battery"))
                    .exchange()
                    .expectStatus()
                    .isForbidden()
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, d -> assertThat(d).contains("CHIS_REGISTRATION=closed"));

            String email = "cli-" + UUID.randomUUID() + "@example.com";
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ChisSettings settings = ChisSettings.fromEnv(env);
            int exit = AccountCommand.run(
                    List.of("create", "--email", email, "--password-stdin", "--first-name", "Ada"),
                    settings,
                    new ByteArrayInputStream("correct-horse-battery\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains(email, "created");
            assertThat(api.login(email, "correct-horse-battery")).isNotBlank();
            assertThat(AccountCommand.run(
                            List.of("create", "--email", email, "--password-stdin"),
                            settings,
                            new ByteArrayInputStream("another-password\n".getBytes(StandardCharsets.UTF_8)),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("already exists");

            String viaAdmin = "admin-" + UUID.randomUUID() + "@example.com";
            CreateAccountRequest request = CreateAccountRequest.newBuilder()
                    .setEmail(viaAdmin)
                    .setPassword("correct-horse-battery")
                    .build();
            assertThat(admin.stub.createAccount(request).getId()).isNotBlank();
            assertThat(api.login(viaAdmin, "correct-horse-battery")).isNotBlank();
            assertThatThrownBy(() -> admin.stub.createAccount(request))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
            assertThatThrownBy(() -> admin.stub.createAccount(
                            request.toBuilder().setPassword("short").build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getDescription()).contains("password"));
        }
    }

    private static String register(WebTestClient http, int expected) {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        http.post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "correct-horse-battery"))
                .exchange()
                .expectStatus()
                .isEqualTo(expected);
        return email;
    }

    private static WebTestClient.ResponseSpec login(WebTestClient http, String email, String password) {
        return http.post()
                .uri("/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password))
                .exchange();
    }
}
