package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.api.WebhookPlatformSpec.RoleSpec;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A WebhookPlatform's spec with every default applied: the one place defaults live (they are never written
 * back into spec) and what the builders read.
 */
public record PlatformSettings(
        String name,
        String namespace,
        String image,
        String imagePullPolicy,
        Map<Role, Integer> replicas,
        Map<Role, ResourceRequirements> resources,
        Map<Role, PodPlacement> placement,
        int workerConcurrency,
        String apiServiceType,
        Map<String, String> apiServiceAnnotations,
        Optional<ManagedPostgres> managedPostgres,
        Optional<SecretKeyRef> externalDatabase,
        Optional<ManagedRedis> managedRedis,
        Optional<SecretKeyRef> externalRedis,
        Optional<SecretKeyRef> jwtSecretRef,
        Optional<String> defaultPolicy,
        Optional<String> retention,
        boolean allowPrivateTargets,
        boolean registrationOpen,
        Optional<Ingress> apiIngress,
        List<NetworkPolicyPeer> apiAllowedFrom,
        Optional<LabelSelector> metricsNamespaces,
        boolean networkPolicies,
        int databaseMaxConnections,
        boolean grpcTls,
        Optional<Issuer> tlsIssuer,
        PlatformScaling scaling,
        Optional<Tracing> tracing) {

    public static final String DEFAULT_IMAGE = "ghcr.io/chis-io/chis-runtime:0.1.0";
    public static final String DEFAULT_POSTGRES_IMAGE = "postgres:16";
    public static final String DEFAULT_REDIS_IMAGE = "redis:7.2";
    /** One day at an average 100 webhooks/s with 1 KiB payloads (README: sizing the database). */
    public static final String DEFAULT_STORAGE = "20Gi";
    /** max_connections of the managed PostgreSQL, and the assumed share of an external one. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100;

    public static final int DEFAULT_WORKER_CONCURRENCY = 64;
    public static final String DEFAULT_API_SERVICE_TYPE = "ClusterIP";
    public static final int HTTP_PORT = 8080;
    public static final int GRPC_PORT = 50051;
    public static final int METRICS_PORT = 9090;
    public static final int POSTGRES_PORT = 5432;
    public static final int REDIS_PORT = 6379;

    /** The Redis append-only file's claim size when {@code spec.redis.managed.persistence} is enabled. */
    public static final String DEFAULT_REDIS_STORAGE = "2Gi";

    public record ManagedPostgres(
            String image,
            String storage,
            Optional<String> storageClassName,
            ResourceRequirements resources,
            PodPlacement placement) {}

    /** @param persistence the claim of its append-only file; empty: in memory only */
    public record ManagedRedis(
            String image, ResourceRequirements resources, PodPlacement placement, Optional<Claim> persistence) {}

    /** A PersistentVolumeClaim's size and class. */
    public record Claim(String storage, Optional<String> storageClassName) {}

    public record Ingress(
            Optional<String> className, String host, Optional<String> tlsSecretName, Map<String, String> annotations) {}

    /** A cert-manager issuer: kind Issuer or ClusterIssuer. */
    public record Issuer(String name, String kind) {}

    public static PlatformSettings of(WebhookPlatform platform) {
        WebhookPlatformSpec spec = Optional.ofNullable(platform.getSpec()).orElseGet(WebhookPlatformSpec::new);
        Map<Role, RoleSpec> roles = new EnumMap<>(Role.class);
        roles.put(Role.API, spec.getApi());
        roles.put(Role.DELIVERY, spec.getDelivery());
        roles.put(Role.WORKER, spec.getWorker());
        roles.put(Role.SCHEDULER, spec.getScheduler());
        Map<Role, Integer> replicas = new EnumMap<>(Role.class);
        Map<Role, ResourceRequirements> resources = new EnumMap<>(Role.class);
        Map<Role, PodPlacement> placement = new EnumMap<>(Role.class);
        roles.forEach((role, roleSpec) -> {
            placement.put(role, PodPlacement.of(roleSpec));
            replicas.put(role, roleSpec == null || roleSpec.getReplicas() == null ? 1 : roleSpec.getReplicas());
            resources.put(
                    role,
                    roleSpec == null || roleSpec.getResources() == null ? runtimeResources() : roleSpec.getResources());
        });
        var service = spec.getApi() == null ? null : spec.getApi().getService();
        var database = spec.getDatabase();
        var redis = spec.getRedis();
        return new PlatformSettings(
                platform.getMetadata().getName(),
                platform.getMetadata().getNamespace(),
                blankOr(spec.getImage(), DEFAULT_IMAGE),
                blankOr(spec.getImagePullPolicy(), "IfNotPresent"),
                Map.copyOf(replicas),
                Map.copyOf(resources),
                Map.copyOf(placement),
                spec.getWorker() == null || spec.getWorker().getConcurrency() == null
                        ? DEFAULT_WORKER_CONCURRENCY
                        : spec.getWorker().getConcurrency(),
                service == null ? DEFAULT_API_SERVICE_TYPE : blankOr(service.getType(), DEFAULT_API_SERVICE_TYPE),
                service == null || service.getAnnotations() == null ? Map.of() : Map.copyOf(service.getAnnotations()),
                Optional.ofNullable(database)
                        .map(WebhookPlatformSpec.DatabaseSpec::getManaged)
                        .map(m -> new ManagedPostgres(
                                blankOr(m.getImage(), DEFAULT_POSTGRES_IMAGE),
                                blankOr(m.getStorage(), DEFAULT_STORAGE),
                                Optional.ofNullable(m.getStorageClassName()).filter(s -> !s.isBlank()),
                                m.getResources() == null ? storeResources() : m.getResources(),
                                PodPlacement.of(m))),
                Optional.ofNullable(database)
                        .map(WebhookPlatformSpec.DatabaseSpec::getExternal)
                        .map(WebhookPlatformSpec.ExternalStore::getUrlSecretRef),
                Optional.ofNullable(redis)
                        .map(WebhookPlatformSpec.RedisSpec::getManaged)
                        .map(m -> new ManagedRedis(
                                blankOr(m.getImage(), DEFAULT_REDIS_IMAGE),
                                m.getResources() == null ? storeResources() : m.getResources(),
                                PodPlacement.of(m),
                                Optional.ofNullable(m.getPersistence())
                                        .filter(p -> Boolean.TRUE.equals(p.getEnabled()))
                                        .map(p -> new Claim(
                                                blankOr(p.getStorage(), DEFAULT_REDIS_STORAGE),
                                                Optional.ofNullable(p.getStorageClassName())
                                                        .filter(c -> !c.isBlank()))))),
                Optional.ofNullable(redis)
                        .map(WebhookPlatformSpec.RedisSpec::getExternal)
                        .map(WebhookPlatformSpec.ExternalStore::getUrlSecretRef),
                Optional.ofNullable(spec.getJwtSecretRef()),
                Optional.ofNullable(spec.getDefaultPolicy()).filter(s -> !s.isBlank()),
                Optional.ofNullable(spec.getRetention()).filter(s -> !s.isBlank()),
                Boolean.TRUE.equals(spec.getAllowPrivateTargets()),
                spec.getApi() != null && "open".equals(spec.getApi().getRegistration()),
                Optional.ofNullable(spec.getApi())
                        .map(WebhookPlatformSpec.ApiSpec::getIngress)
                        .map(i -> new Ingress(
                                Optional.ofNullable(i.getClassName()).filter(s -> !s.isBlank()),
                                i.getHost(),
                                Optional.ofNullable(i.getTlsSecretName()).filter(s -> !s.isBlank()),
                                i.getAnnotations() == null ? Map.of() : Map.copyOf(i.getAnnotations()))),
                spec.getApi() == null || spec.getApi().getAllowedFrom() == null
                        ? List.of()
                        : List.copyOf(spec.getApi().getAllowedFrom()),
                Optional.ofNullable(spec.getMonitoring()).map(WebhookPlatformSpec.MonitoringSpec::getNamespaceSelector),
                spec.getNetworkPolicy() == null
                        || !Boolean.FALSE.equals(spec.getNetworkPolicy().getEnabled()),
                Optional.ofNullable(database)
                        .map(d -> d.getManaged() != null
                                ? d.getManaged().getMaxConnections()
                                : d.getExternal() != null
                                        ? d.getExternal().getMaxConnections()
                                        : d.getCnpg() != null ? d.getCnpg().getMaxConnections() : null)
                        .orElse(DEFAULT_MAX_CONNECTIONS),
                spec.getTls() == null || !Boolean.FALSE.equals(spec.getTls().getEnabled()),
                Optional.ofNullable(spec.getTls())
                        .map(WebhookPlatformSpec.TlsSpec::getIssuerRef)
                        .map(i -> new Issuer(i.getName(), blankOr(i.getKind(), "Issuer"))),
                PlatformScaling.of(spec),
                Optional.ofNullable(spec.getTracing())
                        .filter(t -> t.getOtlpEndpoint() != null
                                && !t.getOtlpEndpoint().isBlank())
                        .map(t -> new Tracing(
                                t.getOtlpEndpoint(),
                                Optional.ofNullable(t.getSampler()).filter(s -> !s.isBlank()),
                                Optional.ofNullable(t.getSamplerArg()).filter(s -> !s.isBlank()))));
    }

    /** Where every role exports its traces ({@code spec.tracing}), and which it keeps. */
    public record Tracing(String otlpEndpoint, Optional<String> sampler, Optional<String> samplerArg) {}

    /** {@code CHIS_DB_POOL_SIZE} of a role: its share of the database's connections over its pods. */
    public int databasePoolSize(Role role) {
        return ConnectionBudget.poolSize(databaseMaxConnections, role, maxReplicas(role));
    }

    /** The role's pod count; an autoscaled role's minimum. */
    public int replicas(Role role) {
        return scaling.autoscaling(role)
                .map(PlatformScaling.Autoscaling::minReplicas)
                .orElseGet(() -> replicas.get(role));
    }

    /** The most pods the role runs: its autoscaler's maximum, else its replicas. */
    public int maxReplicas(Role role) {
        return scaling.autoscaling(role)
                .map(PlatformScaling.Autoscaling::maxReplicas)
                .orElseGet(() -> replicas.get(role));
    }

    public ResourceRequirements resources(Role role) {
        return resources.get(role);
    }

    public PodPlacement placement(Role role) {
        return placement.get(role);
    }

    // ---- names of the children, in one place ----

    public String runtimeSecretName() {
        return name + "-runtime";
    }

    public String postgresName() {
        return name + "-postgres";
    }

    public String redisName() {
        return name + "-redis";
    }

    /** The claim of the managed Redis's append-only file. */
    public String redisClaimName() {
        return redisName() + "-data";
    }

    public String grpcCaName() {
        return name + "-grpc-ca";
    }

    public String grpcTlsName() {
        return name + "-grpc-tls";
    }

    /** The DNS names of the delivery Service (short to fully qualified) and localhost: the gRPC certificate's SANs. */
    public List<String> grpcDnsNames() {
        String service = roleName(Role.DELIVERY);
        return List.of(
                service,
                service + "." + namespace,
                service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local",
                "localhost");
    }

    public String roleName(Role role) {
        return name + "-" + role.id();
    }

    /** Cluster-internal DNS name of a Service of this platform. */
    public String serviceHost(String serviceName) {
        return serviceName + "." + namespace + ".svc";
    }

    private static ResourceRequirements runtimeResources() {
        return new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("256Mi"))
                .addToLimits("memory", new Quantity("512Mi"))
                .build();
    }

    private static ResourceRequirements storeResources() {
        return new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("128Mi"))
                .addToLimits("memory", new Quantity("512Mi"))
                .build();
    }

    private static String blankOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
