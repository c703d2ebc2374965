package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.WebhookPlatform;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Growing a store's claim to the spec's size: only where its StorageClass allows, never shrinking it. */
class StoreVolumesTest {
    private static final Map<String, StorageClass> CLASSES = Map.of(
            "expandable", storageClass("expandable", true),
            "fixed", storageClass("fixed", false),
            "unsaid", storageClass("unsaid", null));
    private static final Function<String, Optional<StorageClass>> READ = name -> Optional.ofNullable(CLASSES.get(name));

    @Test
    void aBiggerSizeGrowsTheClaimWhereItsStorageClassAllowsExpansion() {
        var outcome = StoreVolumes.decide("DatabaseVolume", claim("expandable", "20Gi", "20Gi"), "30Gi", READ);
        assertThat(outcome.grow()).contains("30Gi");
        assertThat(outcome.condition().getStatus()).isEqualTo("True");
        assertThat(outcome.condition().getReason()).isEqualTo(StoreVolumes.EXPANDING);
        assertThat(outcome.condition().getMessage()).contains("20Gi", "30Gi", "data-acme-postgres-0");
    }

    @Test
    void aClaimThatCannotGrowIsReportedAndLeftAlone() {
        for (String storageClass : new String[] {"fixed", "unsaid", "gone", null}) {
            var outcome = StoreVolumes.decide("DatabaseVolume", claim(storageClass, "20Gi", "20Gi"), "30Gi", READ);
            assertThat(outcome.grow()).as(storageClass).isEmpty();
            assertThat(outcome.condition().getStatus()).isEqualTo("False");
            assertThat(outcome.condition().getReason()).isEqualTo(StoreVolumes.EXPANSION_NOT_ALLOWED);
            assertThat(outcome.condition().getMessage()).contains("stays at 20Gi");
        }
        assertThat(StoreVolumes.decide("DatabaseVolume", claim("fixed", "20Gi", "20Gi"), "30Gi", READ)
                        .condition()
                        .getMessage())
                .contains("StorageClass 'fixed' does not set allowVolumeExpansion: true");
    }

    @Test
    void aSmallerSizeIsRefusedEvenWhereExpansionIsAllowed() {
        var outcome = StoreVolumes.decide("QueueVolume", claim("expandable", "20Gi", "20Gi"), "10Gi", READ);
        assertThat(outcome.grow()).isEmpty();
        assertThat(outcome.condition().getType()).isEqualTo("QueueVolume");
        assertThat(outcome.condition().getReason()).isEqualTo(StoreVolumes.SHRINK_REFUSED);
        assertThat(outcome.condition().getMessage()).contains("never shrinks", "at least 20Gi");
    }

    @Test
    void theSameSizeWrittenDifferentlyIsNoChangeAndALaggingCapacityIsStillGrowing() {
        var same = StoreVolumes.decide("DatabaseVolume", claim("fixed", "1Gi", "1Gi"), "1024Mi", READ);
        assertThat(same.grow()).isEmpty();
        assertThat(same.condition().getReason()).isEqualTo(StoreVolumes.SIZE_APPLIED);

        var catchingUp = StoreVolumes.decide("DatabaseVolume", claim("expandable", "30Gi", "20Gi"), "30Gi", READ);
        assertThat(catchingUp.grow()).isEmpty();
        assertThat(catchingUp.condition().getReason()).isEqualTo(StoreVolumes.EXPANDING);
        assertThat(catchingUp.condition().isTrue()).isTrue();
    }

    @Test
    void anExistingStatefulSetKeepsItsClaimTemplateWhichTheApiServerNeverLetsChange() {
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "acme"));
        platform.getSpec().getDatabase().getManaged().setStorage("20Gi");
        StatefulSet existing = ManagedPostgres.statefulSet(platform, PlatformSettings.of(platform), Optional.empty());
        existing.getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder()
                        .withPhase("Pending")
                        .build());

        platform.getSpec().getDatabase().getManaged().setStorage("50Gi");
        PlatformSettings settings = PlatformSettings.of(platform);
        StatefulSet desired = ManagedPostgres.statefulSet(platform, settings, Optional.of(existing));
        assertThat(desired.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(t -> {
            assertThat(t.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
            assertThat(t.getStatus()).isNull();
        });
        assertThat(ManagedPostgres.statefulSet(platform, settings, Optional.empty())
                        .getSpec()
                        .getVolumeClaimTemplates()
                        .get(0)
                        .getSpec()
                        .getResources()
                        .getRequests())
                .as("a new StatefulSet starts at the spec's size")
                .containsEntry("storage", new Quantity("50Gi"));
        assertThat(ManagedPostgres.claimName(settings)).isEqualTo("data-acme-postgres-0");
    }

    private static PersistentVolumeClaim claim(String storageClass, String requested, String capacity) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data-acme-postgres-0")
                .endMetadata()
                .withNewSpec()
                .withStorageClassName(storageClass)
                .withNewResources()
                .addToRequests("storage", new Quantity(requested))
                .endResources()
                .endSpec()
                .withNewStatus()
                .addToCapacity("storage", new Quantity(capacity))
                .endStatus()
                .build();
    }

    private static StorageClass storageClass(String name, Boolean allowVolumeExpansion) {
        return new StorageClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withProvisioner("example.com/disk")
                .withAllowVolumeExpansion(allowVolumeExpansion)
                .build();
    }
}
