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
        assertThat(settings.apiServiceType())
                .as("never on the internet in plain HTTP by default")
                .isEqualTo("ClusterIP");
        assertThat(settings.registrationOpen()).isFalse();
        assertThat(settings.allowPrivateTargets()).isFalse();
        assertThat(settings.networkPolicies()).isTrue();
        assertThat(settings.retention()).isEmpty();
        assertThat(settings.workerConcurrency()).isEqualTo(64);
        for (Role role : Role.values()) {
            assertThat(settings.replicas(role)).isEqualTo(1);
            assertThat(settings.resources(role).getLimits()).containsKey("memory");
        }
        assertThat(settings.managedPostgres()).get().satisfies(pg -> {
            assertThat(pg.image()).isEqualTo("postgres:16");
            assertThat(pg.storage()).isEqualTo("20Gi");
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
        assertThat(PlatformSecrets.value(first, PlatformSecrets.INTERNAL_TOKEN))
                .get()
                .asString()
                .hasSize(48)
                .isNotEqualTo(admin);
        assertThat(PlatformSecrets.value(first, PlatformSecrets.CONFIG_SALT))
                .get()
                .asString()
                .hasSize(32);

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
                .containsOnlyKeys(
                        PlatformSecrets.ADMIN_TOKEN, PlatformSecrets.INTERNAL_TOKEN, PlatformSecrets.CONFIG_SALT);
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

        // pods behind a Service drain (unready but serving) before they stop; the kubelet waits for both
        Deployment scheduler = RoleDeployment.desired(platform, settings, Role.SCHEDULER, refs, "abc");
        assertThat(env(api, "CHIS_SHUTDOWN_DELAY")).isEqualTo("5s");
        assertThat(env(delivery, "CHIS_SHUTDOWN_DELAY")).isEqualTo("5s");
        assertThat(env(worker, "CHIS_SHUTDOWN_DELAY")).isNull();
        assertThat(env(scheduler, "CHIS_SHUTDOWN_DELAY")).isNull();
        // api/delivery: 5 s drain + 5 s requests + 10 s gRPC call grace; worker: 10 s CHIS_WORKER_SHUTDOWN_GRACE
        assertThat(terminationGrace(api)).isEqualTo(30L).isGreaterThanOrEqualTo(5 + 5 + 10);
        assertThat(terminationGrace(delivery)).isEqualTo(30L);
        assertThat(terminationGrace(worker)).isEqualTo(60L).isGreaterThanOrEqualTo(10);
        assertThat(terminationGrace(scheduler)).isEqualTo(30L);

        // a different config hash is a different pod template: the pods roll
        assertThat(RoleDeployment.desired(platform, settings, Role.API, refs, "def")
                        .getSpec()
                        .getTemplate())
                .isNotEqualTo(api.getSpec().getTemplate());
    }

    private static Long terminationGrace(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
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

    @Test
    void everyRoleGetsTheSecuritySettingsAndTheInternalToken() {
        WebhookPlatform platform = platform();
        PlatformSettings closed = PlatformSettings.of(platform);
        for (Role role : Role.values()) {
            Deployment deployment = RoleDeployment.desired(platform, closed, role, ConnectionRefs.of(closed), "h");
            assertThat(env(deployment, "CHIS_REGISTRATION")).isEqualTo("closed");
            assertThat(env(deployment, "CHIS_ALLOW_PRIVATE_TARGETS")).isEqualTo("false");
            assertThat(env(deployment, "CHIS_RETENTION"))
                    .as("the runtime's default")
                    .isNull();
            assertThat(env(deployment, "CHIS_DB_POOL_SIZE")).isEqualTo(role == Role.SCHEDULER ? "4" : "10");
            assertThat(secretRef(container(deployment), "CHIS_INTERNAL_TOKEN"))
                    .isEqualTo("acme-runtime/internal-token");
        }
        platform.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
        platform.getSpec().getApi().setRegistration("open");
        platform.getSpec().setAllowPrivateTargets(true);
        platform.getSpec().setRetention("7d");
        PlatformSettings open = PlatformSettings.of(platform);
        Deployment api = RoleDeployment.desired(platform, open, Role.API, ConnectionRefs.of(open), "h");
        assertThat(env(api, "CHIS_REGISTRATION")).isEqualTo("open");
        assertThat(env(api, "CHIS_ALLOW_PRIVATE_TARGETS")).isEqualTo("true");
        assertThat(env(api, "CHIS_RETENTION")).isEqualTo("7d");
    }

    @Test
    void tracingGoesToEveryRoleAsTheStandardOtelVariables() {
        WebhookPlatform platform = platform();
        PlatformSettings off = PlatformSettings.of(platform);
        assertThat(env(
                        RoleDeployment.desired(platform, off, Role.WORKER, ConnectionRefs.of(off), "h"),
                        "OTEL_EXPORTER_OTLP_ENDPOINT"))
                .as("off by default")
                .isNull();
        var tracing = new WebhookPlatformSpec.TracingSpec();
        tracing.setOtlpEndpoint("http://otel-collector.observability:4318");
        tracing.setSampler("parentbased_traceidratio");
        tracing.setSamplerArg("0.25");
        platform.getSpec().setTracing(tracing);
        PlatformSettings on = PlatformSettings.of(platform);
        for (Role role : Role.values()) {
            Deployment deployment = RoleDeployment.desired(platform, on, role, ConnectionRefs.of(on), "h");
            assertThat(env(deployment, "OTEL_EXPORTER_OTLP_ENDPOINT"))
                    .isEqualTo("http://otel-collector.observability:4318");
            assertThat(env(deployment, "OTEL_TRACES_SAMPLER")).isEqualTo("parentbased_traceidratio");
            assertThat(env(deployment, "OTEL_TRACES_SAMPLER_ARG")).isEqualTo("0.25");
            assertThat(env(deployment, "OTEL_SERVICE_NAME")).isEqualTo("acme-" + role.id());
        }
        tracing.setSampler(null);
        tracing.setSamplerArg(null);
        PlatformSettings defaults = PlatformSettings.of(platform);
        Deployment api = RoleDeployment.desired(platform, defaults, Role.API, ConnectionRefs.of(defaults), "h");
        assertThat(env(api, "OTEL_TRACES_SAMPLER")).as("the runtime's default").isNull();
    }

    @Test
    void poolsAreSizedSoEveryReplicaOfEveryRoleFitsUnderMaxConnections() {
        WebhookPlatform platform = platform();
        platform.getSpec().setWorker(Platforms.worker(8, null));
        platform.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
        platform.getSpec().getApi().setReplicas(4);
        PlatformSettings settings = PlatformSettings.of(platform);
        // 27 connections per role (9 for the scheduler) over its pods and their rollout surge
        assertThat(settings.databasePoolSize(Role.WORKER)).as("27 / (8+2)").isEqualTo(2);
        assertThat(settings.databasePoolSize(Role.API)).as("27 / (4+1)").isEqualTo(5);
        assertThat(settings.databasePoolSize(Role.DELIVERY)).isEqualTo(10);
        assertThat(ManagedPostgres.statefulSet(platform, settings)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly("-c", "max_connections=100");
        platform.getSpec().getDatabase().getManaged().setMaxConnections(300);
        PlatformSettings larger = PlatformSettings.of(platform);
        assertThat(larger.databasePoolSize(Role.WORKER)).as("87 / 10").isEqualTo(8);
        assertThat(ManagedPostgres.statefulSet(platform, larger)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly("-c", "max_connections=300");

        WebhookPlatform external = Platforms.stored(
                Platforms.external("shop", "acme", new SecretKeyRef("pg", "dsn"), new SecretKeyRef("cache", "url")));
        external.getSpec().getDatabase().getExternal().setMaxConnections(40);
        assertThat(PlatformSettings.of(external).databasePoolSize(Role.API))
                .as("9 / 2")
                .isEqualTo(4);
    }

    @Test
    void anIngressIsCreatedOnlyWhenAskedForWithTlsWhenASecretIsNamed() {
        WebhookPlatform platform = platform();
        assertThat(RoleServices.ingress(platform, PlatformSettings.of(platform)))
                .isEmpty();
        platform.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
        WebhookPlatformSpec.IngressSpec spec = new WebhookPlatformSpec.IngressSpec();
        spec.setHost("hooks.example.com");
        spec.setClassName("nginx");
        spec.setTlsSecretName("hooks-tls");
        spec.setAnnotations(Map.of("cert-manager.io/cluster-issuer", "letsencrypt"));
        platform.getSpec().getApi().setIngress(spec);
        var ingress =
                RoleServices.ingress(platform, PlatformSettings.of(platform)).orElseThrow();
        assertThat(ingress.getMetadata().getName()).isEqualTo("acme-api");
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        var rule = ingress.getSpec().getRules().get(0);
        assertThat(rule.getHost()).isEqualTo("hooks.example.com");
        assertThat(rule.getHttp().getPaths().get(0).getBackend().getService().getName())
                .isEqualTo("acme-api");
        assertThat(rule.getHttp()
                        .getPaths()
                        .get(0)
                        .getBackend()
                        .getService()
                        .getPort()
                        .getName())
                .isEqualTo("http");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getSecretName()).isEqualTo("hooks-tls");
            assertThat(tls.getHosts()).containsExactly("hooks.example.com");
        });
    }

    @Test
    void everyRoleMountsTheGrpcCertificateReadOnlyWithTheThreeTlsVariablesUnlessTlsIsOff() {
        WebhookPlatform platform = platform();
        PlatformSettings settings = PlatformSettings.of(platform);
        assertThat(settings.grpcTls()).as("on by default").isTrue();
        for (Role role : Role.values()) {
            Deployment deployment = RoleDeployment.desired(platform, settings, role, ConnectionRefs.of(settings), "h");
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes()).singleElement().satisfies(volume -> {
                assertThat(volume.getName()).isEqualTo("grpc-tls");
                assertThat(volume.getSecret().getSecretName()).isEqualTo("acme-grpc-tls");
                assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
            });
            assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
            assertThat(container(deployment).getVolumeMounts()).singleElement().satisfies(mount -> {
                assertThat(mount.getMountPath()).isEqualTo("/etc/chis/grpc-tls");
                assertThat(mount.getReadOnly()).isTrue();
            });
            assertThat(env(deployment, "CHIS_GRPC_TLS_CERT")).isEqualTo("/etc/chis/grpc-tls/tls.crt");
            assertThat(env(deployment, "CHIS_GRPC_TLS_KEY")).isEqualTo("/etc/chis/grpc-tls/tls.key");
            assertThat(env(deployment, "CHIS_GRPC_TLS_CA")).isEqualTo("/etc/chis/grpc-tls/ca.crt");
        }

        PlatformSettings off = PlatformSettings.of(Platforms.plaintextGrpc(platform));
        assertThat(off.grpcTls()).isFalse();
        Deployment api = RoleDeployment.desired(platform, off, Role.API, ConnectionRefs.of(off), "h");
        assertThat(api.getSpec().getTemplate().getSpec().getVolumes()).isEmpty();
        assertThat(container(api).getVolumeMounts()).isEmpty();
        assertThat(env(api, "CHIS_GRPC_TLS_CERT")).isNull();
    }

    @Test
    void theLeafSecretIsKeptWhileGoodAndReissuedFromTheSameCaWhenDue() {
        WebhookPlatform platform = platform();
        PlatformSettings settings = PlatformSettings.of(platform);
        java.time.Instant now = java.time.Instant.parse("2026-03-01T12:00:00Z");
        Secret caSecret = GrpcTls.authoritySecret(platform, settings, now);
        assertThat(caSecret.getType()).isEqualTo("kubernetes.io/tls");
        GrpcCertificates.Issued ca = GrpcTls.authority(caSecret).orElseThrow();

        Secret first = GrpcTls.leafSecret(platform, settings, ca, Optional.empty(), now);
        assertThat(first.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(first.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(PlatformSecrets.value(first, "ca.crt")).contains(ca.certificatePem());
        Secret later =
                GrpcTls.leafSecret(platform, settings, ca, Optional.of(first), now.plus(java.time.Duration.ofDays(59)));
        assertThat(later.getData()).isEqualTo(first.getData());
        Secret renewed =
                GrpcTls.leafSecret(platform, settings, ca, Optional.of(first), now.plus(java.time.Duration.ofDays(60)));
        assertThat(PlatformSecrets.value(renewed, "tls.crt")).isNotEqualTo(PlatformSecrets.value(first, "tls.crt"));
        assertThat(PlatformSecrets.value(renewed, "tls.key")).isNotEqualTo(PlatformSecrets.value(first, "tls.key"));
        assertThat(GrpcCertificates.leafStillGood(
                        new GrpcCertificates.Issued(
                                PlatformSecrets.value(renewed, "tls.crt").orElseThrow(),
                                PlatformSecrets.value(renewed, "tls.key").orElseThrow()),
                        ca,
                        settings.grpcDnsNames(),
                        now.plus(java.time.Duration.ofDays(60))))
                .isTrue();
    }

    @Test
    void aCertManagerCertificateFillsTheSameSecretForTheSameNames() {
        WebhookPlatform platform = platform();
        WebhookPlatformSpec.TlsSpec tls = new WebhookPlatformSpec.TlsSpec();
        WebhookPlatformSpec.IssuerRef issuer = new WebhookPlatformSpec.IssuerRef();
        issuer.setName("internal-ca");
        issuer.setKind("ClusterIssuer");
        tls.setIssuerRef(issuer);
        platform.getSpec().setTls(tls);
        PlatformSettings settings = PlatformSettings.of(platform);
        var certificate =
                GrpcTls.certificate(platform, settings, settings.tlsIssuer().orElseThrow());
        assertThat(certificate.getApiVersion()).isEqualTo("cert-manager.io/v1");
        assertThat(certificate.getKind()).isEqualTo("Certificate");
        assertThat(certificate.getMetadata().getName()).isEqualTo("acme-grpc-tls");
        assertThat(certificate.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-acme"));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) certificate.get("spec");
        assertThat(spec)
                .containsEntry("secretName", "acme-grpc-tls")
                .containsEntry(
                        "dnsNames",
                        java.util.List.of(
                                "acme-delivery",
                                "acme-delivery.shop",
                                "acme-delivery.shop.svc",
                                "acme-delivery.shop.svc.cluster.local",
                                "localhost"))
                .containsEntry("duration", "2160h")
                .containsEntry("renewBefore", "720h")
                .containsEntry("usages", java.util.List.of("digital signature", "server auth", "client auth"))
                .containsEntry(
                        "issuerRef",
                        Map.of("name", "internal-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"));
        assertThat(spec.get("privateKey"))
                .isEqualTo(Map.of("algorithm", "ECDSA", "size", 256, "encoding", "PKCS8", "rotationPolicy", "Always"));
    }
}
