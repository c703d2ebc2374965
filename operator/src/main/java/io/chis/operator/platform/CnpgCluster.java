package io.chis.operator.platform;

import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.PlatformScaling.Cnpg;
import io.chis.operator.support.InstalledCrds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL through CloudNativePG: a {@code postgresql.cnpg.io/v1 Cluster} named {@code <platform>-postgres}. CNPG
 * runs the primary and its replicas, the {@code -rw} Service that follows the primary, and the {@code -app} Secret
 * whose {@code uri} (postgresql://chis:…@<cluster>-rw.<ns>:5432/chis) the roles and the migration Job use. Pure.
 */
public final class CnpgCluster {
    public static final ResourceDefinitionContext CLUSTER = new ResourceDefinitionContext.Builder()
            .withGroup("postgresql.cnpg.io")
            .withVersion("v1")
            .withKind("Cluster")
            .withPlural("clusters")
            .withNamespaced(true)
            .build();
    public static final ResourceDefinitionContext SCHEDULED_BACKUP = new ResourceDefinitionContext.Builder()
            .withGroup("postgresql.cnpg.io")
            .withVersion("v1")
            .withKind("ScheduledBackup")
            .withPlural("scheduledbackups")
            .withNamespaced(true)
            .build();
    /** The phase CNPG reports once every instance is up and replicating. */
    public static final String HEALTHY = "Cluster in healthy state";

    static final String DATABASE = "chis";

    private CnpgCluster() {}

    public static GenericKubernetesResource desired(WebhookPlatform platform, PlatformSettings settings) {
        Cnpg cnpg = settings.scaling().cnpg().orElseThrow();
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("size", cnpg.storage());
        cnpg.storageClassName().ifPresent(c -> storage.put("storageClass", c));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("instances", cnpg.instances());
        spec.put("bootstrap", Map.of("initdb", Map.of("database", DATABASE, "owner", DATABASE)));
        // explicit, so the roles' pools (CHIS_DB_POOL_SIZE) are sized against a known limit
        spec.put(
                "postgresql",
                Map.of("parameters", Map.of("max_connections", String.valueOf(settings.databaseMaxConnections()))));
        spec.put("storage", storage);
        cnpg.resources()
                .ifPresent(r -> spec.put("resources", Serialization.jsonMapper().convertValue(r, Map.class)));
        cnpg.backup().ifPresent(backup -> {
            Map<String, Object> store = new LinkedHashMap<>();
            store.put("barmanObjectStore", backup.barmanObjectStore());
            backup.retentionPolicy().ifPresent(r -> store.put("retentionPolicy", r));
            spec.put("backup", store);
        });
        return Autoscalers.generic(platform, CLUSTER, settings.postgresName(), ManagedPostgres.COMPONENT, spec);
    }

    /** Base backups of the Cluster on the spec's schedule; the Backups it makes belong to it (backupOwnerReference). */
    public static Optional<GenericKubernetesResource> scheduledBackup(
            WebhookPlatform platform, PlatformSettings settings) {
        return settings.scaling()
                .cnpg()
                .flatMap(Cnpg::backup)
                .flatMap(backup -> backup.schedule())
                .map(schedule -> {
                    Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("schedule", schedule);
                    spec.put("cluster", Map.of("name", settings.postgresName()));
                    spec.put("backupOwnerReference", "self");
                    return Autoscalers.generic(
                            platform, SCHEDULED_BACKUP, settings.postgresName(), ManagedPostgres.COMPONENT, spec);
                });
    }

    /** The URL CNPG writes for the database owner: to the -rw Service, so it follows a failover. */
    public static SecretKeyRef appUrl(PlatformSettings settings) {
        return new SecretKeyRef(settings.postgresName() + "-app", "uri");
    }

    public static Optional<String> phase(GenericKubernetesResource cluster) {
        return Optional.ofNullable(cluster.getAdditionalProperties().get("status"))
                .filter(Map.class::isInstance)
                .map(status -> ((Map<?, ?>) status).get("phase"))
                .map(String::valueOf);
    }

    public static boolean healthy(GenericKubernetesResource cluster) {
        return phase(cluster).filter(HEALTHY::equals).isPresent();
    }

    /** cnpg asked for where CloudNativePG is not installed: refused with a reason that says what to do. */
    static Optional<SpecProblem> problem(PlatformSettings settings, boolean installed) {
        if (settings.scaling().cnpg().isEmpty() || installed) {
            return Optional.empty();
        }
        return Optional.of(new SpecProblem(
                PlatformValidation.DATABASE_READY,
                "CloudNativePGNotInstalled",
                "spec.database.cnpg needs CloudNativePG: CRD " + InstalledCrds.CNPG_CLUSTERS
                        + " is not installed (or the operator may not read it: README, Install); "
                        + "install CloudNativePG or use database.managed"));
    }
}
