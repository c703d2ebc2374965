package io.chis.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.testing.TestRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.event.ContextClosedEvent;

/** {@code /livez} and {@code /readyz} on METRICS_PORT: alive and ready whatever the shared stores do; unready to drain. */
class ProbesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aWorkerWhosePostgresIsUnreachableStaysAliveAndReadyAndReportsTheStore() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ROLES", "worker");
        // nothing listens there: the shared PostgreSQL is "down" from the start
        env.put("DATABASE_URL", "postgres://chis:chis@127.0.0.1:" + TestRuntime.freePort() + "/chis");
        try (ChisRuntime worker = ChisRuntime.start(ChisSettings.fromEnv(env))) {
            int port = worker.settings().metricsPort();
            assertThat(get(port, "/livez")).isEqualTo(new Answer(200, "{\"status\":\"UP\"}"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Answer ready = get(port, "/readyz");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.body())
                        .contains("\"status\":\"READY\"", "\"roles\":[\"worker\"]", "\"postgres\":\"DOWN")
                        .contains("\"redis\":\"UP\"");
            });
            assertThat(get(port, "/health").status()).isEqualTo(503);
        }
    }

    @Test
    void aClosingProcessIsUnreadyBeforeItStopsServing() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ROLES", "scheduler");
        try (ChisRuntime scheduler = TestRuntime.start(env)) {
            int port = scheduler.settings().metricsPort();
            assertThat(get(port, "/readyz").status()).isEqualTo(200);
            assertThat(get(port, "/health").status()).isEqualTo(200);
            // what close() publishes first, before any lifecycle stops
            scheduler.context().publishEvent(new ContextClosedEvent(scheduler.context()));
            Answer draining = get(port, "/readyz");
            assertThat(draining.status()).isEqualTo(503);
            assertThat(draining.body()).contains("\"status\":\"DRAINING\"");
            assertThat(get(port, "/livez").status()).isEqualTo(200);
        }
    }

    record Answer(int status, String body) {}

    static Answer get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }
}
