package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Optional;

/** The managed PostgreSQL 16: one StatefulSet with a claim for its data, and a ClusterIP Service. */
public final class ManagedPostgres {
    static final String COMPONENT = "postgres";
    private static final String DATA_DIR = "/var/lib/postgresql/data";

    private ManagedPostgres() {}

    /** The claim of the StatefulSet's one pod, named as its volumeClaimTemplate makes it. */
    public static String claimName(PlatformSettings settings) {
        return StorePod.DATA_VOLUME + "-" + settings.postgresName() + "-0";
    }

    /**
     * The StatefulSet; an existing one keeps its volumeClaimTemplates, which the API server never lets change (a new
     * size is applied to the claim itself: {@link StoreVolumes}).
     */
    public static StatefulSet statefulSet(
            WebhookPlatform platform, PlatformSettings settings, Optional<StatefulSet> existing) {
        StatefulSet desired = statefulSet(platform, settings);
        existing.map(StatefulSet::getSpec)
                .map(spec -> spec.getVolumeClaimTemplates())
                .filter(templates -> !templates.isEmpty())
                .ifPresent(templates -> desired.getSpec()
                        .setVolumeClaimTemplates(templates.stream()
                                .map(t -> new PersistentVolumeClaimBuilder(t)
                                        .withStatus(null)
                                        .build())
                                .toList()));
        return desired;
    }

    public static StatefulSet statefulSet(WebhookPlatform platform, PlatformSettings settings) {
        PlatformSettings.ManagedPostgres postgres = settings.managedPostgres().orElseThrow();
        String name = settings.postgresName();
        String[] ready = {"sh", "-c", "pg_isready -h 127.0.0.1 -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""};
        StorePod pod = new StorePod(
                COMPONENT,
                postgres.image(),
                // explicit, so the roles' pools (CHIS_DB_POOL_SIZE) are sized against a known limit
                List.of("-c", "max_connections=" + settings.databaseMaxConnections()),
                List.of(
                        fromSecret("POSTGRES_USER", name, PlatformSecrets.USERNAME),
                        fromSecret("POSTGRES_PASSWORD", name, PlatformSecrets.PASSWORD),
                        fromSecret("POSTGRES_DB", name, PlatformSecrets.DATABASE),
                        // a subdirectory: the volume's root may hold lost+found, which initdb refuses
                        new EnvVar("PGDATA", DATA_DIR + "/pgdata", null)),
                PlatformSettings.POSTGRES_PORT,
                postgres.resources(),
                DATA_DIR,
                new ProbeBuilder()
                        .withNewExec()
                        .withCommand(ready)
                        .endExec()
                        .withPeriodSeconds(5)
                        .withTimeoutSeconds(5)
                        .withFailureThreshold(3)
                        .build(),
                new ProbeBuilder()
                        .withNewExec()
                        .withCommand(ready)
                        .endExec()
                        .withInitialDelaySeconds(30)
                        .withPeriodSeconds(10)
                        .withTimeoutSeconds(5)
                        .withFailureThreshold(6)
                        .build(),
                false,
                postgres.placement());
        return new StatefulSetBuilder()
                .withMetadata(ChildMetadata.of(platform, name, COMPONENT))
                .withNewSpec()
                .withServiceName(name)
                .withReplicas(1)
                .withSelector(pod.selector(platform))
                // deleting the platform deletes the data with it: it leaves nothing behind
                .withNewPersistentVolumeClaimRetentionPolicy()
                .withWhenDeleted("Delete")
                .withWhenScaled("Retain")
                .endPersistentVolumeClaimRetentionPolicy()
                .withTemplate(pod.template(platform, List.of()))
                .addNewVolumeClaimTemplate()
                .withNewMetadata()
                .withName(StorePod.DATA_VOLUME)
                .withLabels(Labels.selector(platform, COMPONENT))
                .endMetadata()
                .withSpec(StorePod.claimSpec(postgres.storage(), postgres.storageClassName()))
                .endVolumeClaimTemplate()
                .endSpec()
                .build();
    }

    public static Service service(WebhookPlatform platform, PlatformSettings settings) {
        return StorePod.service(platform, settings.postgresName(), COMPONENT, PlatformSettings.POSTGRES_PORT);
    }

    static EnvVar fromSecret(String env, String secret, String key) {
        return new EnvVarBuilder()
                .withName(env)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(secret)
                .withKey(key)
                .endSecretKeyRef()
                .endValueFrom()
                .build();
    }
}
