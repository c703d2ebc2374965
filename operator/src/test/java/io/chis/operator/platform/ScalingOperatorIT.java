package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.common.Role;
import io.chis.operator.OperatorHarness;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Autoscaled roles against the fabric8 mock API server, with and without KEDA's CRDs installed. */
class ScalingOperatorIT {
    private static final String NS = "shop";
    /** CloudNativePG's own shape, passed on untouched. */
    private static final Map<String, Object> BARMAN = Map.of(
            "destinationPath",
            "s3://backups/chis",
            "s3Credentials",
            Map.of(
                    "accessKeyId", Map.of("name", "backup-creds", "key", "ACCESS_KEY_ID"),
                    "secretAccessKey", Map.of("name", "backup-creds", "key", "ACCESS_SECRET_KEY")),
            "wal",
            Map.of("compression", "gzip"));

    private OperatorHarness k8s;

    @BeforeEach
    void start() throws Exception {
        k8s = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        k8s.close();
    }

    @Test
    void withoutKedaAutoscaledRolesGetAnHpaOnCpuAndKeepTheReplicasItSets() {
        rollOut(autoscaled("acme"));

        HorizontalPodAutoscaler worker = k8s.awaitExists(HorizontalPodAutoscaler.class, NS, "acme-worker");
        assertThat(worker.getSpec().getScaleTargetRef().getName()).isEqualTo("acme-worker");
        assertThat(worker.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(worker.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(worker.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });
        HorizontalPodAutoscaler api = k8s.awaitExists(HorizontalPodAutoscaler.class, NS, "acme-api");
        assertThat(api.getSpec().getMaxReplicas()).isEqualTo(PlatformScaling.DEFAULT_MAX_REPLICAS);
        assertOwned(worker);
        assertThat(k8s.get(HorizontalPodAutoscaler.class, NS, "acme-delivery")).isNull();
        awaitStatus("acme", "hpa", "hpa");

        Deployment deployment = k8s.get(Deployment.class, NS, "acme-worker");
        assertThat(deployment.getSpec().getReplicas()).as("left to the HPA").isNull();
        assertThat(k8s.get(Deployment.class, NS, "acme-delivery").getSpec().getReplicas())
                .isEqualTo(1);
        // the pools are sized for the most pods the autoscaler may run, the budget from the fewest
        assertThat(env(deployment, "CHIS_DB_POOL_SIZE"))
                .isEqualTo(String.valueOf(ConnectionBudget.poolSize(100, Role.WORKER, 6)));
        assertThat(k8s.awaitExists(PodDisruptionBudget.class, NS, "acme-worker"))
                .isNotNull();

        // the HPA scales the worker to 5; a spec change that rewrites the Deployment leaves that alone
        k8s.client.apps().deployments().inNamespace(NS).withName("acme-worker").scale(5);
        // the status counts the HPA's replicas, not the spec's: the operator saw the scale before the edit below
        await().atMost(Duration.ofSeconds(30))
                .until(() -> io.chis.operator.support.Conditions.find(
                                k8s.platform(NS, "acme").getStatus(), RoleConditions.type(Role.WORKER))
                        .map(c -> c.getMessage().startsWith("0/5 "))
                        .orElse(false));
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().getWorker().setConcurrency(32);
                    return p;
                });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Deployment now = k8s.get(Deployment.class, NS, "acme-worker");
            assertThat(env(now, "CHIS_WORKER_CONCURRENCY")).isEqualTo("32");
            assertThat(now.getSpec().getReplicas()).isEqualTo(5);
        });

        // autoscaling off: the HPA goes and the operator sets replicas again
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().getWorker().setAutoscaling(null);
                    p.getSpec().getWorker().setReplicas(3);
                    return p;
                });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(k8s.get(HorizontalPodAutoscaler.class, NS, "acme-worker"))
                    .isNull();
            assertThat(k8s.get(Deployment.class, NS, "acme-worker").getSpec().getReplicas())
                    .isEqualTo(3);
        });
        awaitStatus("acme", "none", "hpa");
    }

    @Test
    void withKedaTheWorkerGetsAScaledObjectOnTheChisWorkersBacklog() {
        installCrd("keda.sh", "ScaledObject", "scaledobjects");
        installCrd("keda.sh", "TriggerAuthentication", "triggerauthentications");
        rollOut(autoscaled("acme"));

        GenericKubernetesResource scaled = awaitGeneric(Autoscalers.SCALED_OBJECT, "acme-worker");
        assertOwned(scaled);
        Map<String, Object> spec = spec(scaled);
        assertThat(spec)
                .containsEntry("minReplicaCount", 2)
                .containsEntry("maxReplicaCount", 6)
                .containsEntry(
                        "scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "acme-worker"));
        @SuppressWarnings("unchecked")
        Map<String, Object> trigger = ((List<Map<String, Object>>) spec.get("triggers")).get(0);
        assertThat(trigger)
                .containsEntry("type", "redis-streams")
                .containsEntry("authenticationRef", Map.of("name", "acme-worker"));
        assertThat(trigger.get("metadata"))
                .isEqualTo(Map.of(
                        "address", "acme-redis.shop.svc:6379",
                        "stream", "chis:deliveries",
                        "consumerGroup", "chis-workers",
                        "pendingEntriesCount", "500",
                        "lagCount", "500"));
        GenericKubernetesResource auth = awaitGeneric(Autoscalers.TRIGGER_AUTHENTICATION, "acme-worker");
        assertOwned(auth);
        assertThat(spec(auth))
                .isEqualTo(Map.of(
                        "secretTargetRef",
                        List.of(Map.of("parameter", "password", "name", "acme-redis", "key", "password"))));
        awaitStatus("acme", "keda", "hpa");
        assertThat(k8s.get(HorizontalPodAutoscaler.class, NS, "acme-worker")).isNull();
        assertThat(k8s.get(HorizontalPodAutoscaler.class, NS, "acme-api")).isNotNull();
        assertThat(k8s.get(Deployment.class, NS, "acme-worker").getSpec().getReplicas())
                .isNull();

        // KEDA's scaler (in namespace keda) may reach Redis; nobody else outside the platform
        NetworkPolicy redis = k8s.get(NetworkPolicy.class, NS, "acme-redis");
        assertThat(redis.getSpec().getIngress().get(0).getFrom())
                .filteredOn(peer -> peer.getNamespaceSelector() != null)
                .singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "keda")));

        // autoscaling off: the ScaledObject and its TriggerAuthentication go
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().getWorker().setAutoscaling(null);
                    return p;
                });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(generic(Autoscalers.SCALED_OBJECT, "acme-worker")).isNull();
            assertThat(generic(Autoscalers.TRIGGER_AUTHENTICATION, "acme-worker"))
                    .isNull();
            assertThat(k8s.get(Deployment.class, NS, "acme-worker").getSpec().getReplicas())
                    .isEqualTo(1);
        });
        awaitStatus("acme", "none", "hpa");
        assertThat(k8s.get(NetworkPolicy.class, NS, "acme-redis")
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom())
                .singleElement();
    }

    @Test
    void withCloudNativePgTheDatabaseIsACnpgClusterAndTheRolesUseItsRwService() {
        installCrd("postgresql.cnpg.io", "v1", "Cluster", "clusters");
        installCrd("postgresql.cnpg.io", "v1", "ScheduledBackup", "scheduledbackups");
        k8s.create(cnpg("acme"));

        GenericKubernetesResource cluster = awaitGeneric(CnpgCluster.CLUSTER, "acme-postgres");
        assertOwned(cluster);
        assertThat(spec(cluster))
                .containsEntry("instances", 3)
                .containsEntry("bootstrap", Map.of("initdb", Map.of("database", "chis", "owner", "chis")))
                .containsEntry("storage", Map.of("size", "50Gi", "storageClass", "fast"))
                .containsEntry("postgresql", Map.of("parameters", Map.of("max_connections", "100")))
                .containsEntry("backup", Map.of("barmanObjectStore", BARMAN, "retentionPolicy", "30d"));
        GenericKubernetesResource scheduled = awaitGeneric(CnpgCluster.SCHEDULED_BACKUP, "acme-postgres");
        assertOwned(scheduled);
        assertThat(spec(scheduled))
                .isEqualTo(Map.of(
                        "schedule",
                        "0 0 3 * * *",
                        "cluster",
                        Map.of("name", "acme-postgres"),
                        "backupOwnerReference",
                        "self"));
        assertThat(k8s.statefulSets(NS)).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var status = k8s.platform(NS, "acme").getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getDatabase()).isEqualTo("cnpg");
            assertThat(io.chis.operator.support.Conditions.find(status, "DatabaseReady"))
                    .get()
                    .satisfies(c -> assertThat(c.getReason()).isEqualTo("PostgresNotReady"));
        });
        assertThat(k8s.jobs(NS))
                .as("no migration before CloudNativePG reports healthy")
                .isEmpty();

        // CloudNativePG's part: the app Secret and a healthy phase
        k8s.create(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("acme-postgres-app")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData("uri", "postgresql://chis:pw@acme-postgres-rw.shop:5432/chis")
                .build());
        k8s.client
                .genericKubernetesResources(CnpgCluster.CLUSTER)
                .inNamespace(NS)
                .withName("acme-postgres")
                .edit(c -> {
                    c.getAdditionalProperties().put("status", Map.of("phase", CnpgCluster.HEALTHY));
                    return c;
                });
        Job migration =
                OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
        assertThat(secretRef(migration
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv()))
                .isEqualTo("acme-postgres-app/uri");
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        Deployment api = k8s.awaitExists(Deployment.class, NS, "acme-api");
        assertThat(secretRef(api.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv()))
                .isEqualTo("acme-postgres-app/uri");

        // no schedule any more: the ScheduledBackup goes, WAL archiving stays
        editPlatform(p -> p.getSpec().getDatabase().getCnpg().getBackup().setSchedule(null));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(generic(CnpgCluster.SCHEDULED_BACKUP, "acme-postgres"))
                        .isNull());
        assertThat(spec(generic(CnpgCluster.CLUSTER, "acme-postgres"))).containsKey("backup");
    }

    @Test
    void withoutCloudNativePgTheCnpgDatabaseIsRefusedWithAReason() {
        k8s.create(cnpg("acme"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(io.chis.operator.support.Conditions.find(
                                k8s.platform(NS, "acme").getStatus(), io.chis.operator.support.Conditions.READY))
                        .get()
                        .satisfies(c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("CloudNativePGNotInstalled");
                            assertThat(c.getMessage()).contains("clusters.postgresql.cnpg.io");
                        }));
        assertThat(k8s.statefulSets(NS)).isEmpty();
        assertThat(k8s.deployments(NS)).isEmpty();
    }

    // ---- helpers ----

    private static WebhookPlatform cnpg(String name) {
        WebhookPlatform platform = Platforms.managed(NS, name);
        WebhookPlatformSpec.CnpgDatabase cnpg = new WebhookPlatformSpec.CnpgDatabase();
        cnpg.setInstances(3);
        cnpg.setStorage("50Gi");
        cnpg.setStorageClassName("fast");
        WebhookPlatformSpec.CnpgBackup backup = new WebhookPlatformSpec.CnpgBackup();
        backup.setBarmanObjectStore(
                io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().valueToTree(BARMAN));
        backup.setRetentionPolicy("30d");
        backup.setSchedule("0 0 3 * * *");
        cnpg.setBackup(backup);
        platform.getSpec().getDatabase().setManaged(null);
        platform.getSpec().getDatabase().setCnpg(cnpg);
        return platform;
    }

    private static String secretRef(List<io.fabric8.kubernetes.api.model.EnvVar> env) {
        var ref = env.stream()
                .filter(e -> e.getName().equals("DATABASE_URL"))
                .findFirst()
                .orElseThrow()
                .getValueFrom()
                .getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    /** Edits the spec, again on a conflict with the operator's own status write. */
    private void editPlatform(java.util.function.Consumer<WebhookPlatform> change) {
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

    private static WebhookPlatform autoscaled(String name) {
        WebhookPlatform platform = Platforms.managed(NS, name);
        WebhookPlatformSpec.AutoscalingSpec worker = new WebhookPlatformSpec.AutoscalingSpec();
        worker.setMinReplicas(2);
        worker.setMaxReplicas(6);
        worker.setTargetBacklogPerReplica(500);
        platform.getSpec().setWorker(Platforms.worker(1, null));
        platform.getSpec().getWorker().setAutoscaling(worker);
        WebhookPlatformSpec.ApiSpec api = new WebhookPlatformSpec.ApiSpec();
        api.setAutoscaling(new WebhookPlatformSpec.AutoscalingSpec());
        platform.getSpec().setApi(api);
        return platform;
    }

    private void rollOut(WebhookPlatform platform) {
        String name = platform.getMetadata().getName();
        k8s.create(platform);
        k8s.awaitExists(StatefulSet.class, NS, name + "-postgres");
        k8s.markStatefulSetReady(NS, name + "-postgres");
        Job migration = OperatorHarness.await(() -> k8s.jobs(NS).stream()
                .filter(j -> j.getMetadata().getName().startsWith(name + "-migrate-"))
                .findFirst()
                .orElse(null));
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        for (Role role : Role.values()) {
            k8s.awaitExists(Deployment.class, NS, name + "-" + role.id());
        }
    }

    private void installCrd(String group, String kind, String plural) {
        installCrd(group, "v1alpha1", kind, plural);
    }

    private void installCrd(String group, String version, String kind, String plural) {
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope("Namespaced")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase())
                .endNames()
                .addNewVersion()
                .withName(version)
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build();
        k8s.client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .create();
    }

    private GenericKubernetesResource generic(ResourceDefinitionContext kind, String name) {
        return k8s.client
                .genericKubernetesResources(kind)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    private GenericKubernetesResource awaitGeneric(ResourceDefinitionContext kind, String name) {
        return OperatorHarness.await(() -> generic(kind, name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private void awaitStatus(String name, String worker, String api) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var status = k8s.platform(NS, name).getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getWorkerAutoscaler()).isEqualTo(worker);
            assertThat(status.getApiAutoscaler()).isEqualTo(api);
        });
    }

    private void assertOwned(HasMetadata child) {
        WebhookPlatform platform = k8s.platform(NS, "acme");
        assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getUid()).isEqualTo(platform.getMetadata().getUid());
            assertThat(ref.getController()).isTrue();
        });
        assertThat(child.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, "chis-operator");
    }

    private static String env(Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .map(e -> Optional.ofNullable(e.getValue()).orElse(""))
                .orElseThrow();
    }
}
