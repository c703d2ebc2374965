package io.chis.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.auth.Account;
import io.chis.runtime.auth.TokenService;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.testing.TestHttp;
import io.chis.runtime.testing.TestRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With PostgreSQL unreachable, routes that need it answer 503 problem+json with Retry-After within 5 s. */
class OutageAnswersIT {

    @Test
    void routesThatNeedPostgresAnswer503WithRetryAfterWhileItIsUnreachable() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ROLES", "api,delivery");
        env.put("DATABASE_URL", "postgres://chis:chis@127.0.0.1:" + TestRuntime.freePort() + "/chis");
        ChisSettings settings = ChisSettings.fromEnv(env);
        try (ChisRuntime runtime = ChisRuntime.start(settings)) {
            WebTestClient http = TestHttp.client(settings.httpPort(), Duration.ofSeconds(10));
            String token = new TokenService(settings)
                    .issue(new Account(UUID.randomUUID(), "a@example.com", "", "", "", Instant.now()));

            // the api's own PostgreSQL use (the API key lookup)
            expect503(http.post()
                    .uri("/webhook/send")
                    .header("X-API-Key", "chis_unknown")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"url\":\"https://example.com/x\",\"payload\":{}}"));
            // through gRPC to the delivery role, whose PostgreSQL is down
            expect503(http.get()
                    .uri("/webhook/messages/" + UUID.randomUUID())
                    .header("Authorization", "Bearer " + token));
            expect503(http.post()
                    .uri("/auth/login")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"email\":\"a@example.com\",\"password\":\"correct-horse-battery\"}"));
        }
    }

    private static void expect503(WebTestClient.RequestHeadersSpec<?> request) {
        long start = System.nanoTime();
        request.exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals("Retry-After", "5")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
