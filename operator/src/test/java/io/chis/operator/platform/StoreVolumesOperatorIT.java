package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.common.Role;
import io.chis.operator.OperatorHarness;
import io.chis.operator.api.Condition;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stores' claims and the roles' scheduling against the fabric8 mock API server. */
class StoreVolumesOperatorIT {
    private static final String NS = "shop";
    private static final String CLAIM = "data-acme-postgres-0";
    private OperatorHarness k8s;

    @BeforeEach
    void start() throws Exception {
        k8s = new OperatorHarness();
        storageClass("expandable", true);
        storageClass("fixed", false);
    }

    @AfterEach
    void stop() {
        k8s.close();
    }

    @Test
    void aBiggerStorageGrowsThePostgresClaimAndASmallerOneIsRefused() {
        WebhookPlatform platform = Platforms.managed(NS, "acme");
        platform.getSpec().getDatabase().getManaged().setStorage("20Gi");
        platform.getSpec().getDatabase().getManaged().setStorageClassName("expandable");
        k8s.create(platform);
        k8s.awaitExists(StatefulSet.class, NS, "acme-postgres");
        // the StatefulSet controller's part: the pod's claim from the volumeClaimTemplate, bound, and the pod ready
        k8s.create(postgresClaim("expandable", "20Gi"));
        k8s.markStatefulSetReady(NS, "acme-postgres");
        awaitVolume("DatabaseVolume", StoreVolumes.SIZE_APPLIED);

        edit(p -> p.getSpec().getDatabase().getManaged().setStorage("30Gi"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(size(k8s.get(PersistentVolumeClaim.class, NS, CLAIM)))
                        .isEqualTo("30Gi"));
        awaitVolume("DatabaseVolume", StoreVolumes.EXPANDING);
        assertThat(templateSize(k8s.get(StatefulSet.class, NS, "acme-postgres")))
                .as("the volumeClaimTemplate stays as created: the API server refuses any change to it")
                .isEqualTo("20Gi");
        awaitEvent(StoreVolumes.EXPANDING);

        edit(p -> p.getSpec().getDatabase().getManaged().setStorage("10Gi"));
        Condition refused = awaitVolume("DatabaseVolume", StoreVolumes.SHRINK_REFUSED);
        assertThat(refused.getStatus()).isEqualTo("False");
        assertThat(refused.getMessage()).contains("at least 30Gi");
        assertThat(size(k8s.get(PersistentVolumeClaim.class, NS, CLAIM))).isEqualTo("30Gi");
        awaitEvent(StoreVolumes.SHRINK_REFUSED);
    }

    @Test
    void aClaimWhoseStorageClassCannotExpandIsReportedWithoutBlockingThePlatform() {
        WebhookPlatform platform = Platforms.managed(NS, "acme");
        platform.getSpec().getDatabase().getManaged().setStorage("20Gi");
        k8s.create(platform);
        k8s.awaitExists(StatefulSet.class, NS, "acme-postgres");
        k8s.create(postgresClaim("fixed", "20Gi"));
        k8s.markStatefulSetReady(NS, "acme-postgres");

        edit(p -> p.getSpec().getDatabase().getManaged().setStorage("40Gi"));
        Condition notAllowed = awaitVolume("DatabaseVolume", StoreVolumes.EXPANSION_NOT_ALLOWED);
        assertThat(notAllowed.getMessage()).contains("'fixed'", "allowVolumeExpansion");
        assertThat(size(k8s.get(PersistentVolumeClaim.class, NS, CLAIM))).isEqualTo("20Gi");
        awaitEvent(StoreVolumes.EXPANSION_NOT_ALLOWED);
        // the database still works: the migration goes ahead
        OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
    }

    @Test
    void persistentRedisGetsItsOwnClaimWhichGrowsAndTheRolesTheirSchedulingFields() {
        WebhookPlatform platform = Platforms.managed(NS, "acme");
        WebhookPlatformSpec.RedisPersistence persistence = new WebhookPlatformSpec.RedisPersistence();
        persistence.setEnabled(true);
        persistence.setStorage("2Gi");
        persistence.setStorageClassName("expandable");
        platform.getSpec().getRedis().getManaged().setPersistence(persistence);
        WebhookPlatformSpec.WorkerSpec worker = Platforms.worker(3, null);
        worker.setPriorityClassName("chis-critical");
        worker.setNodeSelector(Map.of("pool", "workers"));
        worker.setTolerations(List.of(new TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Exists")
                .build()));
        platform.getSpec().setWorker(worker);
        k8s.create(platform);

        PersistentVolumeClaim claim = k8s.awaitExists(PersistentVolumeClaim.class, NS, "acme-redis-data");
        WebhookPlatform stored = k8s.platform(NS, "acme");
        assertThat(claim.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref ->
                        assertThat(ref.getUid()).isEqualTo(stored.getMetadata().getUid()));
        assertThat(claim.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);
        Deployment redis = k8s.awaitExists(Deployment.class, NS, "acme-redis");
        assertThat(redis.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v ->
                        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("acme-redis-data"));
        assertThat(redis.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsSubsequence("--appendonly", "yes", "--appendfsync", "everysec");

        edit(p -> p.getSpec().getRedis().getManaged().getPersistence().setStorage("4Gi"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(size(k8s.get(PersistentVolumeClaim.class, NS, "acme-redis-data")))
                        .isEqualTo("4Gi"));
        // the mock reports no capacity: once written, the claim counts as grown
        awaitEvent(StoreVolumes.EXPANDING);
        awaitVolume("QueueVolume", StoreVolumes.SIZE_APPLIED);

        k8s.markStatefulSetReady(NS, "acme-postgres");
        Job migration =
                OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        var pod = k8s.awaitExists(Deployment.class, NS, "acme-worker")
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getPriorityClassName()).isEqualTo("chis-critical");
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "workers"));
        assertThat(pod.getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        assertThat(pod.getTopologySpreadConstraints())
                .extracting(c -> c.getTopologyKey())
                .containsExactly(PodPlacement.ZONE, PodPlacement.HOST);
        assertThat(k8s.awaitExists(Deployment.class, NS, "acme-" + Role.SCHEDULER.id())
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getTopologySpreadConstraints())
                .isNullOrEmpty();

        // persistence off: the claim goes with it
        edit(p -> p.getSpec().getRedis().getManaged().setPersistence(null));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(k8s.get(PersistentVolumeClaim.class, NS, "acme-redis-data"))
                        .isNull());
    }

    // ---- helpers ----

    private void storageClass(String name, boolean expandable) {
        k8s.create(new StorageClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withProvisioner("example.com/disk")
                .withAllowVolumeExpansion(expandable)
                .build());
    }

    private static PersistentVolumeClaim postgresClaim(String storageClass, String size) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(CLAIM)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storageClass)
                .withNewResources()
                .addToRequests("storage", new Quantity(size))
                .endResources()
                .endSpec()
                .withNewStatus()
                .withPhase("Bound")
                .addToCapacity("storage", new Quantity(size))
                .endStatus()
                .build();
    }

    private static String size(PersistentVolumeClaim claim) {
        return claim.getSpec().getResources().getRequests().get("storage").toString();
    }

    private static String templateSize(StatefulSet statefulSet) {
        return statefulSet
                .getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage")
                .toString();
    }

    /** Edits the spec, again on a conflict with the operator's own status write. */
    private void edit(Consumer<WebhookPlatform> change) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            k8s.client
                    .resources(WebhookPlatform.class)
                    .inNamespace(NS)
                    .withName("acme")
                    .edit(p -> {
                        change.accept(p);
                        return p;
                    });
            return true;
        });
    }

    private Condition awaitVolume(String type, String reason) {
        return OperatorHarness.await(() -> {
            WebhookPlatform platform = k8s.platform(NS, "acme");
            return Conditions.find(platform.getStatus(), type)
                    .filter(c -> reason.equals(c.getReason()))
                    .orElse(null);
        });
    }

    private void awaitEvent(String reason) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                k8s.client.v1().events().inNamespace(NS).list().getItems())
                        .anySatisfy(e -> {
                            assertThat(e.getReason()).isEqualTo(reason);
                            assertThat(e.getInvolvedObject().getName()).isEqualTo("acme");
                        }));
    }
}
