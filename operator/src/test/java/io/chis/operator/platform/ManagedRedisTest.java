package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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

    @Test
    void persistenceKeepsAnAppendOnlyFileOnAClaimOfItsOwn() {
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "acme"));
        PlatformSettings memoryOnly = PlatformSettings.of(platform);
        assertThat(ManagedRedis.claim(platform, memoryOnly)).isEmpty();
        assertThat(ManagedRedis.args(memoryOnly.managedRedis().orElseThrow()))
                .containsSubsequence("--appendonly", "no");
        assertThat(data(ManagedRedis.deployment(platform, memoryOnly)).getEmptyDir())
                .isNotNull();

        WebhookPlatformSpec.RedisPersistence persistence = new WebhookPlatformSpec.RedisPersistence();
        persistence.setEnabled(true);
        persistence.setStorageClassName("fast");
        platform.getSpec().getRedis().getManaged().setPersistence(persistence);
        PlatformSettings persistent = PlatformSettings.of(platform);
        assertThat(String.join(" ", ManagedRedis.args(persistent.managedRedis().orElseThrow())))
                .contains("--save  --appendonly yes --appendfsync everysec");
        Volume data = data(ManagedRedis.deployment(platform, persistent));
        assertThat(data.getEmptyDir()).isNull();
        assertThat(data.getPersistentVolumeClaim().getClaimName()).isEqualTo("acme-redis-data");
        PersistentVolumeClaim claim = ManagedRedis.claim(platform, persistent).orElseThrow();
        assertThat(claim.getMetadata().getName()).isEqualTo("acme-redis-data");
        assertThat(claim.getMetadata().getOwnerReferences()).singleElement();
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests())
                .containsEntry("storage", new Quantity(PlatformSettings.DEFAULT_REDIS_STORAGE));

        persistence.setEnabled(false);
        assertThat(ManagedRedis.claim(platform, PlatformSettings.of(platform))).isEmpty();
    }

    private static Volume data(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("data"))
                .findFirst()
                .orElseThrow();
    }
}
