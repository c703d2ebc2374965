package io.chis.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisApplication;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real runtime process: unready at once, still accepting sends for CHIS_SHUTDOWN_DELAY (the time a
 * Service needs to stop sending to it), then it stops by itself.
 */
class ShutdownDrainIT {

    private static final Duration DELAY = Duration.ofSeconds(4);
    // Spring's graceful web shutdown, the gRPC server's call grace and a worker's attempts, with room to spare
    private static final Duration GRACE = Duration.ofSeconds(20);

    @Test
    void aStoppingProcessTurnsUnreadyKeepsAcceptingForTheDelayThenExits() throws Exception {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_SHUTDOWN_DELAY", DELAY.toSeconds() + "s");
        Path log = Files.createTempFile("chis-drain", ".log");
        log.toFile().deleteOnExit();
        ProcessBuilder builder = new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // the runtime's own logging, not the tests' quiet logback-test.xml
                "-Dlogback.configurationFile=logback.xml",
                "-Dlogging.config=classpath:logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                ChisApplication.class.getName());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            int metrics = Integer.parseInt(env.get("METRICS_PORT"));
            await().atMost(Duration.ofSeconds(90)).until(() -> !process.isAlive() || status(metrics, "/readyz") == 200);
            assertThat(process.isAlive()).as(() -> read(log)).isTrue();
            ApiClient api = new ApiClient(Integer.parseInt(env.get("HTTP_PORT")));
            String key = api.newApiKey(api.newAccountToken());

            process.destroy(); // SIGTERM
            long stopped = System.nanoTime();
            await().atMost(Duration.ofSeconds(2)).until(() -> status(metrics, "/readyz") == 503);
            // unready, yet a client the Service still sends here gets its 202
            assertThat(api.send(key, "{\"url\":\"http://127.0.0.1:9/hook\",\"payload\":{\"during\":\"drain\"}}"))
                    .isNotBlank();
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(DELAY);
            assertThat(process.isAlive()).isTrue();

            assertThat(process.waitFor(DELAY.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS))
                    .as(() -> "still running:\n" + read(log))
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isGreaterThanOrEqualTo(DELAY);
            assertThat(read(log)).contains("/readyz answers 503, still serving for 4s");
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static int status(int port, String path) {
        try {
            return ProbesIT.get(port, path).status();
        } catch (AssertionError e) {
            return -1; // not listening (yet, or any more)
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
