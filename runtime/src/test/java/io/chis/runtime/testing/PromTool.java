package io.chis.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Prometheus' own {@code promtool check metrics} on a scrape. .ci/run unpacks promtool from Debian's
 * prometheus package into {@code .ci/tools}; elsewhere the check is skipped with a message.
 */
public final class PromTool {

    // Lint remarks on names the README's "Metrics" fixes (http_request_duration_ms) or that Micrometer's JVM binders
    // use.
    private static final List<String> ACCEPTED_LINT =
            List.of("should not contain abbreviated units", "should not have \"_count\" suffix");

    private PromTool() {}

    public static void assertValid(String scrape) throws IOException, InterruptedException {
        Optional<Path> promtool = find();
        Assumptions.assumeTrue(
                promtool.isPresent(),
                "promtool not found (run .ci/run or put it on PATH); skipping the promtool check");
        Process process = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        // promtool: 0 = clean, 3 = lint remarks only, 1 = the text does not parse
        assertThat(exit).as("promtool output: %s", output).isIn(0, 3);
        Arrays.stream(output.split("\n"))
                .filter(line -> !line.isBlank())
                .forEach(line -> assertThat(ACCEPTED_LINT)
                        .as("unexpected promtool remark: %s", line)
                        .anyMatch(line::contains));
    }

    static Optional<Path> find() {
        Stream<Path> candidates = Stream.concat(
                Stream.of(Path.of("../.ci/tools/usr/bin/promtool"), Path.of(".ci/tools/usr/bin/promtool")),
                Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                        .map(dir -> Path.of(dir, "promtool")));
        return candidates.filter(Files::isExecutable).findFirst();
    }
}
