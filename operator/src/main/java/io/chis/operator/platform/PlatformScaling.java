package io.chis.operator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.api.WebhookPlatformSpec.AutoscalingSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The scaling parts of a WebhookPlatform's spec with their defaults: autoscalers of the api and the worker. */
public record PlatformScaling(Map<Role, Autoscaling> autoscaling, Optional<Cnpg> cnpg) {
    public static final int DEFAULT_MAX_REPLICAS = 10;
    /** About a second of work for a worker at the bench's rate (README: Scaling). */
    public static final int DEFAULT_BACKLOG_PER_REPLICA = 1000;

    public static final int DEFAULT_CPU_UTILIZATION = 70;
    public static final String DEFAULT_KEDA_NAMESPACE = "keda";

    /** One role's autoscaler bounds and targets. */
    public record Autoscaling(
            int minReplicas,
            int maxReplicas,
            int targetBacklogPerReplica,
            int targetCpuUtilization,
            String kedaNamespace) {}

    /** A CloudNativePG Cluster in place of the managed StatefulSet. */
    public record Cnpg(
            int instances,
            String storage,
            Optional<String> storageClassName,
            Optional<ResourceRequirements> resources,
            Optional<Integer> maxConnections,
            Optional<CnpgBackup> backup) {}

    /** CloudNativePG's backups: its barmanObjectStore as the user wrote it, and an optional schedule of base backups. */
    public record CnpgBackup(
            Map<String, Object> barmanObjectStore, Optional<String> retentionPolicy, Optional<String> schedule) {}

    static PlatformScaling of(WebhookPlatformSpec spec) {
        Map<Role, Autoscaling> autoscaling = new EnumMap<>(Role.class);
        Optional.ofNullable(spec.getWorker())
                .map(WebhookPlatformSpec.WorkerSpec::getAutoscaling)
                .ifPresent(a -> autoscaling.put(Role.WORKER, autoscaling(a)));
        Optional.ofNullable(spec.getApi())
                .map(WebhookPlatformSpec.ApiSpec::getAutoscaling)
                .ifPresent(a -> autoscaling.put(Role.API, autoscaling(a)));
        Optional<Cnpg> cnpg = Optional.ofNullable(spec.getDatabase())
                .map(WebhookPlatformSpec.DatabaseSpec::getCnpg)
                .map(c -> new Cnpg(
                        Optional.ofNullable(c.getInstances()).orElse(2),
                        Optional.ofNullable(c.getStorage())
                                .filter(s -> !s.isBlank())
                                .orElse(PlatformSettings.DEFAULT_STORAGE),
                        Optional.ofNullable(c.getStorageClassName()).filter(s -> !s.isBlank()),
                        Optional.ofNullable(c.getResources()),
                        Optional.ofNullable(c.getMaxConnections()),
                        Optional.ofNullable(c.getBackup())
                                .filter(b -> b.getBarmanObjectStore() != null)
                                .map(b -> new CnpgBackup(
                                        objectStore(b.getBarmanObjectStore()),
                                        Optional.ofNullable(b.getRetentionPolicy())
                                                .filter(r -> !r.isBlank()),
                                        Optional.ofNullable(b.getSchedule()).filter(r -> !r.isBlank())))));
        return new PlatformScaling(Map.copyOf(autoscaling), cnpg);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectStore(JsonNode store) {
        return Serialization.jsonMapper().convertValue(store, Map.class);
    }

    public Optional<Autoscaling> autoscaling(Role role) {
        return Optional.ofNullable(autoscaling.get(role));
    }

    private static Autoscaling autoscaling(AutoscalingSpec spec) {
        int min = Optional.ofNullable(spec.getMinReplicas()).orElse(1);
        return new Autoscaling(
                min,
                Optional.ofNullable(spec.getMaxReplicas()).orElse(Math.max(min, DEFAULT_MAX_REPLICAS)),
                Optional.ofNullable(spec.getTargetBacklogPerReplica()).orElse(DEFAULT_BACKLOG_PER_REPLICA),
                Optional.ofNullable(spec.getTargetCPUUtilizationPercentage()).orElse(DEFAULT_CPU_UTILIZATION),
                Optional.ofNullable(spec.getKedaNamespace())
                        .filter(s -> !s.isBlank())
                        .orElse(DEFAULT_KEDA_NAMESPACE));
    }
}
