package io.chis.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.ChisApplication;
import io.chis.runtime.testing.TestRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * README "Tracing": {@code CHIS_LOG_FORMAT=json} makes every line the runtime writes, before Spring starts and after,
 * one JSON object in Spring Boot's ECS format; without it the lines stay text.
 */
class LogFormatIT {

    @Test
    void jsonMakesEveryLineAStructuredObject() throws Exception {
        List<String> lines = runUntilStarted("json");
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            JsonNode event = JsonMapper.shared().readTree(line);
            assertThat(event.has("@timestamp")).as(line).isTrue();
            assertThat(event.path("log").path("level").asString()).as(line).isNotEmpty();
        });
        assertThat(lines)
                .anySatisfy(line -> assertThat(JsonMapper.shared()
                                .readTree(line)
                                .path("message")
                                .asString())
                        .contains("started, roles api,delivery,worker,scheduler"));
    }

    @Test
    void textStaysText() throws Exception {
        assertThat(runUntilStarted("text"))
                .anySatisfy(line -> assertThat(line).contains(" INFO ").contains("started, roles"))
                .noneSatisfy(line -> assertThat(line).startsWith("{"));
    }

    /** The runtime's stdout lines in a JVM of its own (the format is read when logging starts) until it is up. */
    private static List<String> runUntilStarted(String format) throws Exception {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_LOG_FORMAT", format);
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the runtime's own logback.xml, not the tests' quiet logback-test.xml, before and after Spring starts
                "-Dlogback.configurationFile=logback.xml",
                "-Dlogging.config=classpath:logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                ChisApplication.class.getName());
        builder.environment().putAll(env);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        try {
            CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
                try (var out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        // the banner's address lines follow its first line
                        if (!line.startsWith("  ")) lines.add(line);
                        if (line.contains("started, roles")) return;
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            started.get(90, TimeUnit.SECONDS);
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        return lines;
    }
}
