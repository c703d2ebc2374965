package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.common.Role;
import io.chis.operator.OperatorHarness;
import io.chis.operator.api.Condition;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real operator against the fabric8 mock API server: what one WebhookPlatform brings about. */
class PlatformOperatorIT {
    private static final String NS = "shop";
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
    void aManagedPlatformCreatesEveryChildInOrderAndTurnsReadyWhenTheyAre() {
        WebhookPlatform spec = Platforms.managed(NS, "acme");
        spec.getSpec().setWorker(Platforms.worker(2, 16));
        spec.getSpec().setDefaultPolicy("standard");
        WebhookPlatform platform = k8s.create(spec);

        // first the secrets and the stores; nothing of the runtime before the database is ready
        Secret runtime = k8s.awaitExists(Secret.class, NS, "acme-runtime");
        assertThat(PlatformSecrets.value(runtime, PlatformSecrets.JWT_SECRET))
                .get()
                .asString()
                .hasSizeGreaterThanOrEqualTo(32);
        assertThat(PlatformSecrets.value(runtime, PlatformSecrets.ADMIN_TOKEN)).isPresent();
        Secret postgresSecret = k8s.awaitExists(Secret.class, NS, "acme-postgres");
        assertThat(PlatformSecrets.value(postgresSecret, PlatformSecrets.URL))
                .get()
                .asString()
                .startsWith("postgresql://chis:")
                .endsWith("@acme-postgres.shop.svc:5432/chis");
        StatefulSet postgres = k8s.awaitExists(StatefulSet.class, NS, "acme-postgres");
        assertThat(postgres.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("postgres:16");
        assertThat(postgres.getSpec()
                        .getVolumeClaimTemplates()
                        .get(0)
                        .getSpec()
                        .getResources()
                        .getRequests()
                        .get("storage"))
                .hasToString("20Gi");
        Deployment redis = k8s.awaitExists(Deployment.class, NS, "acme-redis");
        assertThat(redis.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("redis:7.2");
        k8s.awaitExists(Service.class, NS, "acme-postgres");
        k8s.awaitExists(Service.class, NS, "acme-redis");
        Service api = k8s.awaitExists(Service.class, NS, "acme-api");
        assertThat(api.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(api.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
        Service delivery = k8s.awaitExists(Service.class, NS, "acme-delivery");
        assertThat(delivery.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(delivery.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(50051));

        Condition waiting = awaitCondition("acme", "DatabaseReady", c -> "PostgresNotReady".equals(c.getReason()));
        assertThat(waiting.getStatus()).isEqualTo("False");
        assertThat(condition("acme", Conditions.READY)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getMessage()).contains("acme-postgres");
        });
        assertThat(condition("acme", "MigrationsApplied").getReason()).isEqualTo("WaitingForDatabase");
        assertThat(condition("acme", "ApiAvailable").getReason()).isEqualTo("WaitingForMigrations");
        assertThat(k8s.jobs(NS)).isEmpty();
        assertThat(k8s.deployments(NS))
                .extracting(d -> d.getMetadata().getName())
                .containsExactly("acme-redis");

        // the database is up: the migration Job runs the runtime image with 'migrate'
        k8s.markStatefulSetReady(NS, "acme-postgres");
        Job migration =
                OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
        assertThat(migration.getMetadata().getName()).startsWith("acme-migrate-");
        Container migrate =
                migration.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(migrate.getImage()).isEqualTo(PlatformSettings.DEFAULT_IMAGE);
        assertThat(migrate.getArgs()).containsExactly("migrate");
        assertThat(secretRef(migrate, "DATABASE_URL")).isEqualTo("acme-postgres/url");
        awaitCondition("acme", "MigrationsApplied", c -> "MigrationRunning".equals(c.getReason()));
        assertThat(k8s.platform(NS, "acme").getStatus().getMigrationJob())
                .isEqualTo(migration.getMetadata().getName());
        assertThat(k8s.deployments(NS)).hasSize(1);

        // migrations applied: the four roles roll out
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        Map<Role, Deployment> roles = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            roles.put(role, k8s.awaitExists(Deployment.class, NS, "acme-" + role.id()));
        }
        roles.forEach(this::assertRuntimePod);
        assertThat(env(roles.get(Role.API), "GRPC_ADDRESS")).isEqualTo("acme-delivery:50051");
        assertThat(secretRef(container(roles.get(Role.DELIVERY)), "CHIS_ADMIN_TOKEN"))
                .isEqualTo("acme-runtime/admin-token");
        assertThat(env(roles.get(Role.WORKER), "CHIS_WORKER_CONCURRENCY")).isEqualTo("16");
        assertThat(env(roles.get(Role.WORKER), "CHIS_DEFAULT_POLICY")).isEqualTo("standard");
        assertThat(env(roles.get(Role.DELIVERY), "CHIS_DEFAULT_POLICY")).isEqualTo("standard");
        assertThat(roles.get(Role.WORKER).getSpec().getReplicas()).isEqualTo(2);
        assertThat(ports(roles.get(Role.API))).containsExactly("http:8080", "metrics:9090");
        assertThat(ports(roles.get(Role.DELIVERY))).containsExactly("grpc:50051", "metrics:9090");
        assertThat(ports(roles.get(Role.SCHEDULER))).containsExactly("metrics:9090");

        // a disruption budget only where there is more than one replica
        PodDisruptionBudget workerBudget = k8s.awaitExists(PodDisruptionBudget.class, NS, "acme-worker");
        assertThat(workerBudget.getSpec().getSelector().getMatchLabels()).containsEntry(Labels.COMPONENT, "worker");
        assertThat(k8s.get(PodDisruptionBudget.class, NS, "acme-api")).isNull();

        // NetworkPolicies around every role and store; no Ingress unless asked for
        for (String name :
                List.of("acme-api", "acme-delivery", "acme-worker", "acme-scheduler", "acme-postgres", "acme-redis")) {
            NetworkPolicy policy = k8s.awaitExists(NetworkPolicy.class, NS, name);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        }
        assertThat(k8s.get(NetworkPolicy.class, NS, "acme-delivery").getSpec().getIngress())
                .anySatisfy(rule ->
                        assertThat(rule.getPorts().get(0).getPort().getIntVal()).isEqualTo(50051));
        assertThat(k8s.get(Ingress.class, NS, "acme-api")).isNull();

        // every child is owned by the platform and labelled
        WebhookPlatform stored = k8s.platform(NS, "acme");
        List<HasMetadata> children = new ArrayList<>();
        children.addAll(k8s.client.secrets().inNamespace(NS).list().getItems());
        children.addAll(k8s.client.services().inNamespace(NS).list().getItems());
        children.addAll(k8s.statefulSets(NS));
        children.addAll(k8s.deployments(NS));
        children.addAll(k8s.jobs(NS));
        children.add(workerBudget);
        // Secrets: runtime, postgres, redis, grpc-ca, grpc-tls
        assertThat(children).hasSize(5 + 4 + 1 + 5 + 1 + 1);
        for (HasMetadata child : children) {
            assertThat(child.getMetadata().getOwnerReferences())
                    .as(child.getKind() + " " + child.getMetadata().getName())
                    .singleElement()
                    .satisfies(ref -> {
                        assertThat(ref.getUid()).isEqualTo(stored.getMetadata().getUid());
                        assertThat(ref.getKind()).isEqualTo("WebhookPlatform");
                        assertThat(ref.getController()).isTrue();
                    });
            assertThat(child.getMetadata().getLabels())
                    .as(child.getKind() + " " + child.getMetadata().getName())
                    .containsEntry(Labels.MANAGED_BY, "chis-operator")
                    .containsEntry(Labels.INSTANCE, "acme")
                    .containsEntry(Labels.NAME, "chis")
                    .containsKey(Labels.COMPONENT);
        }

        // not ready while pods are missing, and the status says which
        Condition notYet = awaitCondition("acme", "ApiAvailable", c -> "DeploymentUnavailable".equals(c.getReason()));
        assertThat(notYet.getMessage()).contains("0/1");
        assertThat(condition("acme", Conditions.READY).getStatus()).isEqualTo("False");

        k8s.markDeploymentAvailable(NS, "acme-redis");
        for (Role role : Role.values()) {
            k8s.markDeploymentAvailable(NS, "acme-" + role.id());
        }
        Condition ready = awaitCondition("acme", Conditions.READY, Condition::isTrue);
        assertThat(ready.getReason()).isEqualTo("AllComponentsReady");
        WebhookPlatform done = k8s.platform(NS, "acme");
        assertThat(done.getStatus().getConditions())
                .extracting(Condition::getType)
                .containsExactly(
                        "Ready",
                        "DatabaseReady",
                        "QueueReady",
                        "MigrationsApplied",
                        "ApiAvailable",
                        "DeliveryAvailable",
                        "WorkersAvailable",
                        "SchedulerAvailable");
        assertThat(done.getStatus().getConditions()).allSatisfy(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).matches("[A-Z][A-Za-z]+");
            assertThat(c.getMessage()).isNotBlank();
            assertThat(c.getLastTransitionTime()).isNotBlank();
            assertThat(c.getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());
        });
        assertThat(done.getStatus().getObservedGeneration())
                .isEqualTo(done.getMetadata().getGeneration());
        assertThat(done.getStatus().getApiUrl()).isEqualTo("http://acme-api.shop.svc:8080");
        assertThat(done.getStatus().getImage()).isEqualTo(PlatformSettings.DEFAULT_IMAGE);
        assertThat(done.getStatus().getDatabase()).isEqualTo("managed");
        assertThat(events("acme")).extracting(Event::getReason).contains("AllComponentsReady");
        assertThat(platform.getMetadata().getUid()).isEqualTo(done.getMetadata().getUid());
    }

    @Test
    void specEditsRollTheAffectedChildrenAndANewImageMigratesFirst() {
        makeReady("acme");
        String firstJob = k8s.platform(NS, "acme").getStatus().getMigrationJob();
        String workerVersion =
                k8s.get(Deployment.class, NS, "acme-worker").getMetadata().getResourceVersion();
        String schedulerVersion =
                k8s.get(Deployment.class, NS, "acme-scheduler").getMetadata().getResourceVersion();

        // more workers, a LoadBalancer api behind an Ingress, no NetworkPolicies: applied at once, no migration needed
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().setWorker(Platforms.worker(3, null));
                    p.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
                    p.getSpec().getApi().setService(new WebhookPlatformSpec.ServiceSpec());
                    p.getSpec().getApi().getService().setType("LoadBalancer");
                    p.getSpec().getApi().setIngress(new WebhookPlatformSpec.IngressSpec());
                    p.getSpec().getApi().getIngress().setHost("hooks.example.com");
                    p.getSpec().getApi().getIngress().setTlsSecretName("hooks-tls");
                    p.getSpec().setNetworkPolicy(new WebhookPlatformSpec.NetworkPolicySpec());
                    p.getSpec().getNetworkPolicy().setEnabled(false);
                    return p;
                });
        OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Deployment.class, NS, "acme-worker"))
                .filter(d -> d.getSpec().getReplicas() == 3)
                .orElse(null));
        OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Service.class, NS, "acme-api"))
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
                .orElse(null));
        Ingress ingress = k8s.awaitExists(Ingress.class, NS, "acme-api");
        assertThat(ingress.getSpec().getTls())
                .singleElement()
                .satisfies(tls -> assertThat(tls.getSecretName()).isEqualTo("hooks-tls"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> k8s.client
                        .network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(NS)
                        .list()
                        .getItems()
                        .isEmpty());
        k8s.awaitExists(PodDisruptionBudget.class, NS, "acme-worker");
        assertThat(k8s.get(Deployment.class, NS, "acme-worker").getMetadata().getResourceVersion())
                .isNotEqualTo(workerVersion);
        assertThat(k8s.get(Deployment.class, NS, "acme-scheduler").getMetadata().getResourceVersion())
                .isEqualTo(schedulerVersion);
        Condition workers =
                awaitCondition("acme", "WorkersAvailable", c -> c.getMessage().contains("/3"));
        assertThat(workers.getStatus()).isEqualTo("False");

        // back to one worker: its disruption budget goes
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().setWorker(Platforms.worker(1, null));
                    return p;
                });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> k8s.get(PodDisruptionBudget.class, NS, "acme-worker") == null);

        // a new image: a new migration Job first, the roles keep the old image until it succeeds
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().setImage("ghcr.io/chis-io/chis-runtime:0.2.0");
                    return p;
                });
        Job second = OperatorHarness.await(() -> k8s.jobs(NS).stream()
                .filter(j -> !j.getMetadata().getName().equals(firstJob))
                .findFirst()
                .orElse(null));
        assertThat(container(second).getImage()).isEqualTo("ghcr.io/chis-io/chis-runtime:0.2.0");
        awaitCondition("acme", "MigrationsApplied", c -> "MigrationRunning".equals(c.getReason()));
        assertThat(condition("acme", Conditions.READY).getStatus()).isEqualTo("False");
        assertThat(container(k8s.get(Deployment.class, NS, "acme-api")).getImage())
                .isEqualTo(PlatformSettings.DEFAULT_IMAGE);

        k8s.markJobSucceeded(NS, second.getMetadata().getName());
        for (Role role : Role.values()) {
            OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Deployment.class, NS, "acme-" + role.id()))
                    .filter(d -> container(d).getImage().equals("ghcr.io/chis-io/chis-runtime:0.2.0"))
                    .orElse(null));
        }
        // the finished old Job is removed; the new one stays as the record of the migration
        await().atMost(Duration.ofSeconds(30)).until(() -> k8s.get(Job.class, NS, firstJob) == null);
        assertThat(k8s.jobs(NS))
                .extracting(j -> j.getMetadata().getName())
                .containsExactly(second.getMetadata().getName());
    }

    @Test
    void externalDatabaseAndRedisComeFromTheUsersSecrets() {
        k8s.create(secret("pg", "url", "postgresql://app:pw@db.example.internal:5432/chis?sslmode=require"));
        k8s.create(secret("queue", "connection", "rediss://default:pw@cache.example.internal:6380/0"));
        k8s.create(
                Platforms.external(NS, "ext", new SecretKeyRef("pg", "url"), new SecretKeyRef("queue", "connection")));

        // no store of its own: the migration runs at once
        Job migration =
                OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
        assertThat(secretRef(container(migration), "DATABASE_URL")).isEqualTo("pg/url");
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        Deployment worker = k8s.awaitExists(Deployment.class, NS, "ext-worker");
        assertThat(secretRef(container(worker), "DATABASE_URL")).isEqualTo("pg/url");
        assertThat(secretRef(container(worker), "REDIS_URL")).isEqualTo("queue/connection");
        assertThat(k8s.statefulSets(NS)).isEmpty();
        assertThat(k8s.get(Deployment.class, NS, "ext-redis")).isNull();
        assertThat(k8s.get(Secret.class, NS, "ext-postgres")).isNull();
        assertThat(k8s.get(Secret.class, NS, "ext-redis")).isNull();

        for (Role role : Role.values()) {
            k8s.awaitExists(Deployment.class, NS, "ext-" + role.id());
            k8s.markDeploymentAvailable(NS, "ext-" + role.id());
        }
        awaitCondition("ext", Conditions.READY, Condition::isTrue);
        WebhookPlatform ready = k8s.platform(NS, "ext");
        assertThat(condition("ext", "DatabaseReady").getReason()).isEqualTo("ExternalDatabase");
        assertThat(condition("ext", "QueueReady").getReason()).isEqualTo("ExternalRedis");
        assertThat(ready.getStatus().getDatabase()).isEqualTo("external");
        assertThat(ready.getStatus().getRedis()).isEqualTo("external");
    }

    @Test
    void invalidSpecsAreReportedWithWhatToFixAndTheOperatorKeepsWorking() {
        WebhookPlatform noDatabase = Platforms.managed(NS, "nodb");
        noDatabase.getSpec().getDatabase().setManaged(null);
        k8s.create(noDatabase);
        WebhookPlatform badImage = Platforms.managed(NS, "badimage");
        badImage.getSpec().setImage("Not An Image!");
        k8s.create(badImage);
        k8s.create(Platforms.external(
                NS, "nosecret", new SecretKeyRef("missing-db", "url"), new SecretKeyRef("missing-db", "redis")));

        Condition noDb = awaitCondition("nodb", Conditions.READY, c -> "DatabaseNotConfigured".equals(c.getReason()));
        assertThat(noDb.getStatus()).isEqualTo("False");
        assertThat(noDb.getMessage())
                .contains("spec.database")
                .contains("managed")
                .contains("external");
        assertThat(condition("nodb", "DatabaseReady").getReason()).isEqualTo("DatabaseNotConfigured");
        Condition image = awaitCondition("badimage", Conditions.READY, c -> "InvalidImage".equals(c.getReason()));
        assertThat(image.getMessage()).contains("Not An Image!");
        Condition secret =
                awaitCondition("nosecret", Conditions.READY, c -> "DatabaseSecretNotFound".equals(c.getReason()));
        assertThat(secret.getMessage()).contains("missing-db").contains("url");
        assertThat(condition("nosecret", "QueueReady").getReason()).isEqualTo("RedisSecretNotFound");
        assertThat(events("nodb"))
                .extracting(Event::getType, Event::getReason)
                .contains(org.assertj.core.groups.Tuple.tuple("Warning", "DatabaseNotConfigured"));

        // nothing was created for any of them
        assertThat(k8s.client.secrets().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(k8s.deployments(NS)).isEmpty();

        // the operator still works: the missing Secret appears and that platform proceeds
        k8s.create(new SecretBuilder()
                .withNewMetadata()
                .withName("missing-db")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData("url", "postgres://u:p@db:5432/chis")
                .addToStringData("redis", "redis://cache:6379")
                .build());
        OperatorHarness.await(() -> k8s.jobs(NS).stream()
                .filter(j -> j.getMetadata().getName().startsWith("nosecret-migrate-"))
                .findFirst()
                .orElse(null));
        awaitCondition("nosecret", "DatabaseReady", Condition::isTrue);

        // and a fixed spec recovers
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("badimage")
                .edit(p -> {
                    p.getSpec().setImage("registry.example.com:5000/chis/runtime:1.0");
                    return p;
                });
        k8s.awaitExists(StatefulSet.class, NS, "badimage-postgres");
        awaitCondition("badimage", Conditions.READY, c -> "PostgresNotReady".equals(c.getReason()));
    }

    @Test
    void aFailedMigrationIsReportedAndTheRolesAreNotRolled() {
        k8s.create(Platforms.managed(NS, "acme"));
        k8s.awaitExists(StatefulSet.class, NS, "acme-postgres");
        k8s.markStatefulSetReady(NS, "acme-postgres");
        Job migration =
                OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
        k8s.markJobFailed(NS, migration.getMetadata().getName());
        Condition failed = awaitCondition("acme", Conditions.READY, c -> "MigrationFailed".equals(c.getReason()));
        assertThat(failed.getMessage())
                .contains("kubectl logs job/" + migration.getMetadata().getName());
        assertThat(events("acme")).extracting(Event::getReason).contains("MigrationFailed");
        assertThat(k8s.deployments(NS))
                .extracting(d -> d.getMetadata().getName())
                .containsExactly("acme-redis");
    }

    @Test
    void generatedSecretsAreKeptAndAChildNamedLikeOursButNotOursIsLeftAlone() {
        makeReady("acme");
        Secret before = k8s.get(Secret.class, NS, "acme-postgres");
        // an unrelated edit elsewhere in the spec must not touch the generated credentials
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().setDefaultPolicy("gentle");
                    return p;
                });
        OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Deployment.class, NS, "acme-worker"))
                .filter(d -> "gentle".equals(env(d, "CHIS_DEFAULT_POLICY")))
                .orElse(null));
        assertThat(k8s.get(Secret.class, NS, "acme-postgres").getData()).isEqualTo(before.getData());

        // someone else's Deployment holds a name the second platform needs
        k8s.create(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata()
                .withName("other-redis")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .endSpec()
                .build());
        k8s.create(Platforms.managed(NS, "other"));
        Condition conflict = awaitCondition("other", Conditions.READY, c -> "NameConflict".equals(c.getReason()));
        assertThat(conflict.getMessage()).contains("other-redis");
        Deployment theirs = k8s.get(Deployment.class, NS, "other-redis");
        assertThat(theirs.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(Optional.ofNullable(theirs.getMetadata().getLabels()).orElse(Map.of()))
                .doesNotContainKey(Labels.MANAGED_BY);
    }

    @Test
    void restartingTheOperatorChangesNothingThatIsAlreadyRight() {
        makeReady("acme");
        WebhookPlatform platform = k8s.platform(NS, "acme");
        k8s.stopOperator();
        Map<String, String> before = resourceVersions();
        int reconciledBefore = k8s.reconciliations(platform);

        k8s.startOperator();
        await().atMost(Duration.ofSeconds(30)).until(() -> k8s.reconciliations(platform) > reconciledBefore);
        assertThat(resourceVersions()).isEqualTo(before);
        assertThat(condition("acme", Conditions.READY).isTrue()).isTrue();
    }

    // ---- helpers ----

    private void makeReady(String name) {
        WebhookPlatform spec = Platforms.managed(NS, name);
        spec.getSpec().setWorker(Platforms.worker(2, null));
        k8s.create(spec);
        k8s.awaitExists(StatefulSet.class, NS, name + "-postgres");
        k8s.markStatefulSetReady(NS, name + "-postgres");
        Job migration = OperatorHarness.await(() -> k8s.jobs(NS).stream()
                .filter(j -> j.getMetadata().getName().startsWith(name + "-migrate-"))
                .findFirst()
                .orElse(null));
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        k8s.awaitExists(Deployment.class, NS, name + "-redis");
        k8s.markDeploymentAvailable(NS, name + "-redis");
        for (Role role : Role.values()) {
            k8s.awaitExists(Deployment.class, NS, name + "-" + role.id());
            k8s.markDeploymentAvailable(NS, name + "-" + role.id());
        }
        awaitCondition(name, Conditions.READY, Condition::isTrue);
    }

    private Map<String, String> resourceVersions() {
        List<HasMetadata> all = new ArrayList<>();
        all.add(k8s.platform(NS, "acme"));
        all.addAll(k8s.client.secrets().inNamespace(NS).list().getItems());
        all.addAll(k8s.client.services().inNamespace(NS).list().getItems());
        all.addAll(k8s.statefulSets(NS));
        all.addAll(k8s.deployments(NS));
        all.addAll(k8s.jobs(NS));
        all.addAll(k8s.client
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NS)
                .list()
                .getItems());
        return all.stream()
                .collect(Collectors.toMap(
                        r -> r.getKind() + "/" + r.getMetadata().getName(),
                        r -> r.getMetadata().getResourceVersion()));
    }

    private void assertRuntimePod(Role role, Deployment deployment) {
        var template = deployment.getSpec().getTemplate();
        assertThat(template.getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "9090")
                .containsEntry("prometheus.io/path", "/metrics")
                .containsKey(RoleDeployment.CONFIG_HASH);
        Container c = container(deployment);
        assertThat(c.getImage()).isEqualTo(PlatformSettings.DEFAULT_IMAGE);
        assertThat(env(deployment, "CHIS_ROLES")).isEqualTo(role.id());
        assertThat(env(deployment, "HTTP_PORT")).isEqualTo("8080");
        assertThat(env(deployment, "GRPC_PORT")).isEqualTo("50051");
        assertThat(env(deployment, "METRICS_PORT")).isEqualTo("9090");
        assertThat(secretRef(c, "DATABASE_URL")).isEqualTo("acme-postgres/url");
        assertThat(secretRef(c, "REDIS_URL")).isEqualTo("acme-redis/url");
        assertThat(secretRef(c, "JWT_SECRET")).isEqualTo("acme-runtime/jwt-secret");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(c.getStartupProbe().getFailureThreshold()
                        * c.getStartupProbe().getPeriodSeconds())
                .as("seconds a slow JVM may take to start")
                .isGreaterThanOrEqualTo(120);
        for (var probe : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        }
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).containsEntry(Labels.COMPONENT, role.id());
    }

    private Condition awaitCondition(String platform, String type, Predicate<Condition> wanted) {
        return OperatorHarness.await(() -> Optional.ofNullable(k8s.platform(NS, platform))
                .flatMap(p -> Conditions.find(p.getStatus(), type))
                .filter(wanted)
                .orElse(null));
    }

    private Condition condition(String platform, String type) {
        return Conditions.find(k8s.platform(NS, platform).getStatus(), type).orElseThrow();
    }

    private List<Event> events(String platform) {
        return k8s.client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> platform.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private static Secret secret(String name, String key, String value) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .addToStringData(key, value)
                .build();
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static Container container(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(Deployment deployment, String name) {
        return container(deployment).getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }

    static String secretRef(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .map(e -> e.getValueFrom().getSecretKeyRef().getName() + "/"
                        + e.getValueFrom().getSecretKeyRef().getKey())
                .orElse(null);
    }

    static List<String> ports(Deployment deployment) {
        return container(deployment).getPorts().stream()
                .map(p -> p.getName() + ":" + p.getContainerPort())
                .toList();
    }
}
