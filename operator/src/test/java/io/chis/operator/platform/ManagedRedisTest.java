package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagedRedisTest {
    @Test
    void redisNeverEvictsAndStaysUnderItsMemoryLimit() {
        var limited = new PlatformSettings.ManagedRedis(
                "redis:7.2",
                new ResourceRequirementsBuilder()
                        .addToLimits("memory", new Quantity("512Mi"))
                        .build(),
                PodPlacement.DEFAULT,
                Optional.empty());
        assertThat(String.join(" ", ManagedRedis.args(limited)))
                .endsWith("--maxmemory " + (512L * 1024 * 1024 * 3 / 4) + " --maxmemory-policy noeviction");

        var unlimited = new PlatformSettings.ManagedRedis(
                "redis:7.2", new ResourceRequirementsBuilder().build(), PodPlacement.DEFAULT, Optional.empty());
        assertThat(ManagedRedis.args(unlimited))
                .doesNotContain("--maxmemory")
                .containsSubsequence("--maxmemory-policy", "noeviction");
    }
}
