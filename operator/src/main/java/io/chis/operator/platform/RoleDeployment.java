package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One Deployment per runtime role, with the env vars of DESIGN §2, /livez, /readyz and startup probes and Prometheus annotations. */
public final class RoleDeployment {
    /** Pod-template annotation: a hash of the secret settings, so changing them rolls the pods. */
    public static final String CONFIG_HASH = "chis.io/config-hash";

    static final String RUNTIME_CONTAINER = "runtime";
    private static final long RUNTIME_UID = 65532L;

    /**
     * How long a stopping api or delivery pod stays unready but serving ({@code CHIS_SHUTDOWN_DELAY}), so that
     * kube-proxy and ingresses stop sending to it before it closes its ports.
     */
    static final long SHUTDOWN_DELAY_SECONDS = 5;
    /** What a pod needs after SIGTERM on top of the drain delay: in-flight REST requests and gRPC calls (5 s deadlines, 10 s call grace) with room for Spring's graceful phases, or a worker's CHIS_WORKER_SHUTDOWN_GRACE (10 s) and its records. */
    private static final long STOP_SECONDS = 25;

    private static final long WORKER_STOP_SECONDS = 60;

    private RoleDeployment() {}

    public static Deployment desired(
            WebhookPlatform platform, PlatformSettings settings, Role role, ConnectionRefs refs, String configHash) {
        Map<String, String> podAnnotations = new LinkedHashMap<>();
        podAnnotations.put("prometheus.io/scrape", "true");
        podAnnotations.put("prometheus.io/port", String.valueOf(PlatformSettings.METRICS_PORT));
        podAnnotations.put("prometheus.io/path", "/metrics");
        podAnnotations.put(CONFIG_HASH, configHash);
        // liveness never depends on the stores: a shared PostgreSQL or Redis outage must not restart every pod
        HTTPGetAction live = new HTTPGetActionBuilder()
                .withPath("/livez")
                .withPort(new IntOrString("metrics"))
                .build();
        HTTPGetAction ready = new HTTPGetActionBuilder()
                .withPath("/readyz")
                .withPort(new IntOrString("metrics"))
                .build();
        Deployment deployment = new DeploymentBuilder()
                .withMetadata(ChildMetadata.of(platform, settings.roleName(role), role.id()))
                .withNewSpec()
                // an autoscaled role's replicas are its autoscaler's: left out, never fought over
                .withReplicas(settings.scaling().autoscaling(role).isPresent() ? null : settings.replicas(role))
                .withNewSelector()
                .withMatchLabels(Labels.selector(platform, role.id()))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Labels.selector(platform, role.id()))
                .withAnnotations(podAnnotations)
                .endMetadata()
                .withNewSpec()
                .withSecurityContext(podSecurity())
                .withTerminationGracePeriodSeconds(terminationGraceSeconds(role))
                .addNewContainer()
                .withName(RUNTIME_CONTAINER)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withPorts(ports(role))
                .withEnv(env(settings, role, refs))
                .withResources(settings.resources(role))
                // up to 3 min for a slow JVM start before liveness takes over
                .withNewStartupProbe()
                .withHttpGet(live)
                .withPeriodSeconds(2)
                .withTimeoutSeconds(3)
                .withFailureThreshold(90)
                .endStartupProbe()
                .withNewLivenessProbe()
                .withHttpGet(live)
                .withPeriodSeconds(10)
                .withTimeoutSeconds(3)
                .withFailureThreshold(3)
                .endLivenessProbe()
                .withNewReadinessProbe()
                .withHttpGet(ready)
                .withPeriodSeconds(5)
                .withTimeoutSeconds(3)
                .withFailureThreshold(2)
                .endReadinessProbe()
                .withSecurityContext(containerSecurity())
                .withVolumeMounts(settings.grpcTls() ? List.of(GrpcTls.mount()) : List.of())
                .endContainer()
                .withVolumes(settings.grpcTls() ? List.of(GrpcTls.volume(settings)) : List.of())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        settings.placement(role)
                .applyTo(
                        deployment.getSpec().getTemplate().getSpec(),
                        Labels.selector(platform, role.id()),
                        settings.maxReplicas(role) > 1);
        return deployment;
    }

    /** Long enough for the drain delay and then a graceful stop, so the kubelet never has to SIGKILL a pod. */
    static long terminationGraceSeconds(Role role) {
        return switch (role) {
            case API, DELIVERY -> SHUTDOWN_DELAY_SECONDS + STOP_SECONDS;
            case WORKER -> WORKER_STOP_SECONDS; // receives no traffic: no drain delay
            case SCHEDULER -> 30; // Kubernetes' default: its ticks are short
        };
    }

    static List<ContainerPort> ports(Role role) {
        List<ContainerPort> ports = new ArrayList<>();
        if (role == Role.API) {
            ports.add(port("http", PlatformSettings.HTTP_PORT));
        }
        if (role == Role.DELIVERY) {
            ports.add(port("grpc", PlatformSettings.GRPC_PORT));
        }
        ports.add(port("metrics", PlatformSettings.METRICS_PORT));
        return ports;
    }

    static List<EnvVar> env(PlatformSettings settings, Role role, ConnectionRefs refs) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("CHIS_ROLES", role.id(), null));
        env.add(new EnvVar("HTTP_PORT", String.valueOf(PlatformSettings.HTTP_PORT), null));
        env.add(new EnvVar("GRPC_PORT", String.valueOf(PlatformSettings.GRPC_PORT), null));
        env.add(new EnvVar("METRICS_PORT", String.valueOf(PlatformSettings.METRICS_PORT), null));
        env.add(fromSecret("DATABASE_URL", refs.databaseUrl()));
        env.add(fromSecret("REDIS_URL", refs.redisUrl()));
        env.add(fromSecret("JWT_SECRET", refs.jwtSecret()));
        env.add(fromSecret("CHIS_INTERNAL_TOKEN", refs.internalToken()));
        env.add(new EnvVar("CHIS_DB_POOL_SIZE", String.valueOf(settings.databasePoolSize(role)), null));
        env.add(new EnvVar("CHIS_REGISTRATION", settings.registrationOpen() ? "open" : "closed", null));
        env.add(new EnvVar("CHIS_ALLOW_PRIVATE_TARGETS", String.valueOf(settings.allowPrivateTargets()), null));
        settings.retention().ifPresent(retention -> env.add(new EnvVar("CHIS_RETENTION", retention, null)));
        settings.tracing().ifPresent(tracing -> {
            env.add(new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", tracing.otlpEndpoint(), null));
            // one service per platform and role in the tracing backend
            env.add(new EnvVar("OTEL_SERVICE_NAME", settings.roleName(role), null));
            tracing.sampler().ifPresent(s -> env.add(new EnvVar("OTEL_TRACES_SAMPLER", s, null)));
            tracing.samplerArg().ifPresent(a -> env.add(new EnvVar("OTEL_TRACES_SAMPLER_ARG", a, null)));
        });
        if (settings.grpcTls()) {
            env.addAll(GrpcTls.env());
        }
        if (role == Role.API || role == Role.DELIVERY) {
            // named rather than left to the runtime's default, so terminationGracePeriodSeconds is sure to cover it
            env.add(new EnvVar("CHIS_SHUTDOWN_DELAY", SHUTDOWN_DELAY_SECONDS + "s", null));
        }
        switch (role) {
            case API ->
                env.add(new EnvVar(
                        "GRPC_ADDRESS", settings.roleName(Role.DELIVERY) + ":" + PlatformSettings.GRPC_PORT, null));
            case DELIVERY -> env.add(fromSecret("CHIS_ADMIN_TOKEN", refs.adminToken()));
            case WORKER ->
                env.add(new EnvVar("CHIS_WORKER_CONCURRENCY", String.valueOf(settings.workerConcurrency()), null));
            case SCHEDULER -> {}
        }
        if (role == Role.WORKER || role == Role.DELIVERY) {
            settings.defaultPolicy().ifPresent(policy -> env.add(new EnvVar("CHIS_DEFAULT_POLICY", policy, null)));
        }
        // size the heap from the container's memory limit rather than the node's memory
        env.add(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75", null));
        return env;
    }

    static EnvVar fromSecret(String name, SecretKeyRef ref) {
        return ManagedPostgres.fromSecret(name, ref.getName(), ref.getKey());
    }

    static PodSecurityContext podSecurity() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUNTIME_UID)
                // mounted Secrets (the gRPC key) are group-readable by this group only
                .withFsGroup(RUNTIME_UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    static SecurityContext containerSecurity() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .addToDrop("ALL")
                .endCapabilities()
                .build();
    }

    private static ContainerPort port(String name, int number) {
        return new ContainerPortBuilder()
                .withName(name)
                .withContainerPort(number)
                .withProtocol("TCP")
                .build();
    }
}
