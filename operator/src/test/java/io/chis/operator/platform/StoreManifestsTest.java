package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the managed stores' children whole, as serialized for the API server: a change to a store's pod shows up here
 * line by line. After an intended change, rewrite the expected files with {@code -Dchis.manifests.update=true} and
 * review the diff.
 */
class StoreManifestsTest {
    /** Read from the module directory (where surefire runs), so an update is seen at once. */
    private static final Path EXPECTED = Path.of("src/test/resources/store-manifests");

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of("defaults", (Consumer<WebhookPlatformSpec>) spec -> {}),
                Arguments.of("persistence", (Consumer<WebhookPlatformSpec>) StoreManifestsTest::persistence),
                Arguments.of("scheduling", (Consumer<WebhookPlatformSpec>) StoreManifestsTest::scheduling),
                Arguments.of("resources", (Consumer<WebhookPlatformSpec>) StoreManifestsTest::resources));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void theStoresChildrenAreExactlyAsPinned(String name, Consumer<WebhookPlatformSpec> customize) throws IOException {
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "acme"));
        customize.accept(platform.getSpec());
        PlatformSettings settings = PlatformSettings.of(platform);
        List<HasMetadata> children = new ArrayList<>();
        children.add(ManagedPostgres.statefulSet(platform, settings));
        children.add(
                ManagedPostgres.statefulSet(platform, settings, Optional.of(existingPostgres(platform, settings))));
        children.add(ManagedPostgres.service(platform, settings));
        children.add(ManagedRedis.deployment(platform, settings));
        ManagedRedis.claim(platform, settings).ifPresent(children::add);
        children.add(ManagedRedis.service(platform, settings));
        String actual =
                String.join("", children.stream().map(Serialization::asYaml).toList());

        Path expected = EXPECTED.resolve(name + ".yaml");
        if (Boolean.getBoolean("chis.manifests.update")) {
            Files.createDirectories(EXPECTED);
            Files.writeString(expected, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(expected));
    }

    /** As read back from the cluster: a template of another size, with a status, which the desired state keeps. */
    private static StatefulSet existingPostgres(WebhookPlatform platform, PlatformSettings settings) {
        StatefulSet current = ManagedPostgres.statefulSet(platform, settings);
        return new StatefulSetBuilder(current)
                .editSpec()
                .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder(
                                current.getSpec().getVolumeClaimTemplates().get(0))
                        .editSpec()
                        .withNewResources()
                        .addToRequests("storage", new Quantity("1Gi"))
                        .endResources()
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Bound")
                        .endStatus()
                        .build())
                .endSpec()
                .build();
    }

    private static void persistence(WebhookPlatformSpec spec) {
        WebhookPlatformSpec.RedisPersistence persistence = new WebhookPlatformSpec.RedisPersistence();
        persistence.setEnabled(true);
        persistence.setStorage("8Gi");
        persistence.setStorageClassName("fast");
        spec.getRedis().getManaged().setPersistence(persistence);
        spec.getDatabase().getManaged().setStorage("50Gi");
        spec.getDatabase().getManaged().setStorageClassName("fast");
    }

    private static void scheduling(WebhookPlatformSpec spec) {
        for (WebhookPlatformSpec.SchedulingSpec store :
                List.of(spec.getDatabase().getManaged(), spec.getRedis().getManaged())) {
            store.setPriorityClassName("stores");
            store.setNodeSelector(Map.of("disk", "ssd"));
            store.setTolerations(List.of(new TolerationBuilder()
                    .withKey("dedicated")
                    .withOperator("Equal")
                    .withValue("stores")
                    .withEffect("NoSchedule")
                    .build()));
            store.setAffinity(new AffinityBuilder()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey("topology.kubernetes.io/zone")
                    .withOperator("In")
                    .withValues("eu-1a")
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .build());
            store.setTopologySpreadConstraints(List.of(new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey(PodPlacement.HOST)
                    .withWhenUnsatisfiable("DoNotSchedule")
                    .build()));
        }
    }

    private static void resources(WebhookPlatformSpec spec) {
        spec.getDatabase().getManaged().setImage("postgres:16.4");
        spec.getDatabase().getManaged().setMaxConnections(400);
        spec.getDatabase()
                .getManaged()
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("2"))
                        .addToLimits("memory", new Quantity("4Gi"))
                        .build());
        spec.getRedis().getManaged().setImage("redis:7.2.5");
        spec.getRedis()
                .getManaged()
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("500m"))
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build());
    }
}
