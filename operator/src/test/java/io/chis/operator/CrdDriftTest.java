package io.chis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** crds/ holds the CRDs the build generates from the CR classes; they must not drift apart. */
class CrdDriftTest {
    private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
    private static final String HOW_TO_FIX =
            "crds/ is out of date with the CR classes in io.chis.operator.api. Regenerate it: "
                    + "./mvnw -q -pl operator -am process-classes && cp operator/target/classes/META-INF/fabric8/*.yml crds/";

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        List<String> generated = names(GENERATED);
        assertThat(generated)
                .as("generated CRDs")
                .containsExactlyInAnyOrder(
                        "webhookplatforms.chis.io-v1.yml",
                        "deliverypolicies.chis.io-v1.yml",
                        "webhookendpoints.chis.io-v1.yml",
                        "webhookeventtypes.chis.io-v1.yml");
        assertThat(names(OperatorHarness.CRDS)).as(HOW_TO_FIX).containsExactlyInAnyOrderElementsOf(generated);
        for (String name : generated) {
            assertThat(Files.readString(OperatorHarness.CRDS.resolve(name)))
                    .as(name + ": " + HOW_TO_FIX)
                    .isEqualTo(Files.readString(GENERATED.resolve(name)));
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }
}
