package io.chis.operator.platform;

import static io.chis.operator.platform.PlatformOperatorIT.container;
import static io.chis.operator.platform.PlatformOperatorIT.env;
import static io.chis.operator.platform.PlatformOperatorIT.secretRef;
import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.Role;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The desired-state builders are pure functions of the platform: tested without any API server. */
class PlatformBuildersTest {
    private final AtomicInteger generated = new AtomicInteger();
    private final RandomTokens tokens =
            length -> ("t" + generated.incrementAndGet() + "x".repeat(length)).substring(0, length);

    private static WebhookPlatform platform() {
        return Platforms.stored(Platforms.managed("shop", "acme"));
    }

    @Test
    void settingsApplyTheDefaultsWithoutTouchingTheSpec() {
        WebhookPlatform platform = platform();
        PlatformSettings settings = PlatformSettings.of(platform);
        assertThat(settings.image()).isEqualTo("ghcr.io/chis-io/chis-runtime:0.1.0");
        assertThat(settings.apiServiceType()).isEqualTo("LoadBalancer");
        assertThat(settings.workerConcurrency()).isEqualTo(64);
        for (Role role : Role.values()) {
            assertThat(settings.replicas(role)).isEqualTo(1);
            assertThat(settings.resources(role).getLimits()).containsKey("memory");
        }
        assertThat(settings.managedPostgres()).get().satisfies(pg -> {
            assertThat(pg.image()).isEqualTo("postgres:16");
            assertThat(pg.storage()).isEqualTo("1Gi");
        });
        assertThat(settings.managedRedis())
                .get()
                .satisfies(r -> assertThat(r.image()).isEqualTo("redis:7.2"));
        assertThat(platform.getSpec().getImage()).isNull();
        assertThat(platform.getSpec().getWorker()).isNull();
    }

    @Test
    void secretsAreGeneratedOnceAndExistingValuesAreKept() {
        WebhookPlatform platform = platform();
        PlatformSettings settings = PlatformSettings.of(platform);
        Secret first = PlatformSecrets.runtime(platform, settings, Optional.empty(), tokens);
        String jwt = PlatformSecrets.value(first, PlatformSecrets.JWT_SECRET).orElseThrow();
        String admin = PlatformSecrets.value(first, PlatformSecrets.ADMIN_TOKEN).orElseThrow();
        assertThat(jwt).hasSize(64);
        assertThat(admin).hasSize(48).isNotEqualTo(jwt);

        Secret again = PlatformSecrets.runtime(platform, settings, Optional.of(first), tokens);
        assertThat(again.getData()).isEqualTo(first.getData());

        Secret postgres = PlatformSecrets.postgres(platform, settings, Optional.empty(), tokens);
        String password =
                PlatformSecrets.value(postgres, PlatformSecrets.PASSWORD).orElseThrow();
        assertThat(PlatformSecrets.value(postgres, PlatformSecrets.URL))
                .contains("postgresql://chis:" + password + "@acme-postgres.shop.svc:5432/chis");
        assertThat(PlatformSecrets.postgres(platform, settings, Optional.of(postgres), tokens)
                        .getData())
                .isEqualTo(postgres.getData());

        Secret redis = PlatformSecrets.redis(platform, settings, Optional.empty(), tokens);
        String redisPassword =
                PlatformSecrets.value(redis, PlatformSecrets.PASSWORD).orElseThrow();
        assertThat(PlatformSecrets.value(redis, PlatformSecrets.URL))
                .contains("redis://default:" + redisPassword + "@acme-redis.shop.svc:6379/0");
    }

    @Test
    void aMissingKeyIsAddedWithoutReplacingThePresentOnes() {
        WebhookPlatform platform = platform();
        PlatformSettings settings = PlatformSettings.of(platform);
        Secret partial = new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("acme-runtime")
                .endMetadata()
                .addToData(
                        PlatformSecrets.ADMIN_TOKEN,
                        java.util.Base64.getEncoder().encodeToString("kept-token".getBytes()))
                .build();
        Secret completed = PlatformSecrets.runtime(platform, settings, Optional.of(partial), tokens);
        assertThat(PlatformSecrets.value(completed, PlatformSecrets.ADMIN_TOKEN))
                .contains("kept-token");
        assertThat(PlatformSecrets.value(completed, PlatformSecrets.JWT_SECRET))
                .get()
                .asString()
                .hasSize(64);
    }

    @Test
    void aJwtSecretNamedInTheSpecIsUsedInsteadOfAGeneratedOne() {
        WebhookPlatform platform = platform();
        platform.getSpec().setJwtSecretRef(new SecretKeyRef("auth", "hmac"));
        PlatformSettings settings = PlatformSettings.of(platform);
        assertThat(PlatformSecrets.runtime(platform, settings, Optional.empty(), tokens)
                        .getData())
                .containsOnlyKeys(PlatformSecrets.ADMIN_TOKEN);
        Deployment api = RoleDeployment.desired(platform, settings, Role.API, ConnectionRefs.of(settings), "h");
        assertThat(secretRef(container(api), "JWT_SECRET")).isEqualTo("auth/hmac");
    }

    @Test
    void roleDeploymentsCarryTheRuntimeSettingsOfTheirRole() {
        WebhookPlatform platform = platform();
        platform.getSpec().setImage("registry.example.com/chis/runtime:2.0");
        platform.getSpec().setWorker(Platforms.worker(4, 8));
        platform.getSpec()
                .getWorker()
                .setResources(new ResourceRequirementsBuilder()
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build());
        PlatformSettings settings = PlatformSettings.of(platform);
        ConnectionRefs refs = ConnectionRefs.of(settings);

        Deployment worker = RoleDeployment.desired(platform, settings, Role.WORKER, refs, "abc");
        assertThat(worker.getMetadata().getName()).isEqualTo("acme-worker");
        assertThat(worker.getSpec().getReplicas()).isEqualTo(4);
        assertThat(container(worker).getImage()).isEqualTo("registry.example.com/chis/runtime:2.0");
        assertThat(container(worker).getResources().getLimits().get("memory")).isEqualTo(new Quantity("1Gi"));
        assertThat(env(worker, "CHIS_ROLES")).isEqualTo("worker");
        assertThat(env(worker, "CHIS_WORKER_CONCURRENCY")).isEqualTo("8");
        assertThat(env(worker, "GRPC_ADDRESS")).isNull();
        assertThat(env(worker, "CHIS_DEFAULT_POLICY")).isNull();
        assertThat(worker.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(RoleDeployment.CONFIG_HASH, "abc");
        assertThat(worker.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
                .isTrue();

        Deployment delivery = RoleDeployment.desired(platform, settings, Role.DELIVERY, refs, "abc");
        assertThat(secretRef(container(delivery), "CHIS_ADMIN_TOKEN")).isEqualTo("acme-runtime/admin-token");
        Deployment api = RoleDeployment.desired(platform, settings, Role.API, refs, "abc");
        assertThat(secretRef(container(api), "CHIS_ADMIN_TOKEN")).isNull();
        assertThat(env(api, "GRPC_ADDRESS")).isEqualTo("acme-delivery:50051");

        // a different config hash is a different pod template: the pods roll
        assertThat(RoleDeployment.desired(platform, settings, Role.API, refs, "def")
                        .getSpec()
                        .getTemplate())
                .isNotEqualTo(api.getSpec().getTemplate());
    }

    @Test
    void externalStoresAreReferencedWhereTheUserKeepsThem() {
        WebhookPlatform platform = Platforms.stored(
                Platforms.external("shop", "acme", new SecretKeyRef("pg", "dsn"), new SecretKeyRef("cache", "url")));
        PlatformSettings settings = PlatformSettings.of(platform);
        assertThat(settings.managedPostgres()).isEmpty();
        assertThat(settings.managedRedis()).isEmpty();
        Deployment scheduler =
                RoleDeployment.desired(platform, settings, Role.SCHEDULER, ConnectionRefs.of(settings), "h");
        assertThat(secretRef(container(scheduler), "DATABASE_URL")).isEqualTo("pg/dsn");
        assertThat(secretRef(container(scheduler), "REDIS_URL")).isEqualTo("cache/url");
    }

    @Test
    void theMigrationJobIsNamedAfterTheImageAndDatabase() {
        WebhookPlatform platform = platform();
        PlatformSettings settings = PlatformSettings.of(platform);
        Job job = MigrationJob.desired(platform, settings, ConnectionRefs.of(settings), "postgresql://a");
        assertThat(job.getMetadata().getName())
                .isEqualTo(MigrationJob.name(settings, "postgresql://a"))
                .startsWith("acme-migrate-");
        assertThat(container(job).getArgs()).containsExactly("migrate");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(MigrationJob.name(settings, "postgresql://a"))
                .isEqualTo(MigrationJob.name(PlatformSettings.of(platform()), "postgresql://a"));
        assertThat(MigrationJob.name(settings, "postgresql://b"))
                .isNotEqualTo(job.getMetadata().getName());
        platform.getSpec().setImage("ghcr.io/chis-io/chis-runtime:0.2.0");
        assertThat(MigrationJob.name(PlatformSettings.of(platform), "postgresql://a"))
                .isNotEqualTo(job.getMetadata().getName());
    }

    @Test
    void managedPostgresKeepsItsDataInAClaimOfTheConfiguredSize() {
        WebhookPlatform platform = platform();
        platform.getSpec().getDatabase().getManaged().setStorage("20Gi");
        platform.getSpec().getDatabase().getManaged().setStorageClassName("fast");
        PlatformSettings settings = PlatformSettings.of(platform);
        StatefulSet postgres = ManagedPostgres.statefulSet(platform, settings);
        var claim = postgres.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("20Gi"));
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(postgres.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Delete");
        var container =
                postgres.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POSTGRES_PASSWORD");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("acme-postgres");
        });
        assertThat(postgres.getSpec().getServiceName())
                .isEqualTo(ManagedPostgres.service(platform, settings)
                        .getMetadata()
                        .getName());
    }

    @Test
    void theApiServiceTypeIsConfigurableAndBudgetsOnlyCoverReplicatedRoles() {
        WebhookPlatform platform = platform();
        platform.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
        platform.getSpec().getApi().setReplicas(3);
        platform.getSpec().getApi().setService(new WebhookPlatformSpec.ServiceSpec());
        platform.getSpec().getApi().getService().setType("NodePort");
        platform.getSpec()
                .getApi()
                .getService()
                .setAnnotations(Map.of("service.beta.kubernetes.io/aws-load-balancer-internal", "true"));
        PlatformSettings settings = PlatformSettings.of(platform);
        var api = RoleServices.api(platform, settings);
        assertThat(api.getSpec().getType()).isEqualTo("NodePort");
        assertThat(api.getMetadata().getAnnotations())
                .containsKey("service.beta.kubernetes.io/aws-load-balancer-internal");
        assertThat(RoleServices.disruptionBudget(platform, settings, Role.API))
                .get()
                .satisfies(pdb -> assertThat(pdb.getSpec().getMaxUnavailable().getIntVal())
                        .isEqualTo(1));
        assertThat(RoleServices.disruptionBudget(platform, settings, Role.SCHEDULER))
                .isEmpty();
    }
}
