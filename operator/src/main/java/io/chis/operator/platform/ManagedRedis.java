package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The managed Redis 7.2: a single-pod Deployment and a ClusterIP Service; in memory only unless
 * {@code persistence.enabled}, which keeps an append-only file on a claim of its own. PostgreSQL is the source of
 * truth either way; after a Redis restart without persistence the scheduler's sweep re-queues whatever the stream lost.
 */
public final class ManagedRedis {
    static final String COMPONENT = "redis";

    private ManagedRedis() {}

    public static Deployment deployment(WebhookPlatform platform, PlatformSettings settings) {
        PlatformSettings.ManagedRedis redis = settings.managedRedis().orElseThrow();
        String name = settings.redisName();
        StorePod pod = new StorePod(
                COMPONENT,
                redis.image(),
                args(redis),
                List.of(ManagedPostgres.fromSecret("REDIS_PASSWORD", name, PlatformSecrets.PASSWORD)),
                PlatformSettings.REDIS_PORT,
                redis.resources(),
                "/data",
                new ProbeBuilder()
                        .withNewExec()
                        .withCommand(
                                "sh", "-c", "redis-cli --no-auth-warning -a \"$REDIS_PASSWORD\" ping | grep -q PONG")
                        .endExec()
                        .withPeriodSeconds(5)
                        .withTimeoutSeconds(3)
                        .build(),
                new ProbeBuilder()
                        .withNewTcpSocket()
                        .withPort(new IntOrString(COMPONENT))
                        .endTcpSocket()
                        .withInitialDelaySeconds(10)
                        .withPeriodSeconds(10)
                        .build(),
                true,
                redis.placement());
        Volume data = new VolumeBuilder()
                .withName(StorePod.DATA_VOLUME)
                .withEmptyDir(redis.persistence().isEmpty() ? new EmptyDirVolumeSource() : null)
                .withPersistentVolumeClaim(
                        redis.persistence().isPresent()
                                ? new PersistentVolumeClaimVolumeSource(settings.redisClaimName(), false)
                                : null)
                .build();
        return new DeploymentBuilder()
                .withMetadata(ChildMetadata.of(platform, name, COMPONENT))
                .withNewSpec()
                .withReplicas(1)
                // one pod at a time: the old one lets go of the ReadWriteOnce claim before the new one mounts it
                .withNewStrategy()
                .withType("Recreate")
                .endStrategy()
                .withSelector(pod.selector(platform))
                .withTemplate(pod.template(platform, List.of(data)))
                .endSpec()
                .build();
    }

    /** The claim of the append-only file, when persistence is on; a bigger size is applied by {@link StoreVolumes}. */
    public static Optional<PersistentVolumeClaim> claim(WebhookPlatform platform, PlatformSettings settings) {
        return settings.managedRedis()
                .flatMap(PlatformSettings.ManagedRedis::persistence)
                .map(claim -> new PersistentVolumeClaimBuilder()
                        .withMetadata(ChildMetadata.of(platform, settings.redisClaimName(), COMPONENT))
                        .withSpec(StorePod.claimSpec(claim.storage(), claim.storageClassName()))
                        .build());
    }

    /**
     * No RDB snapshots; with persistence an append-only file fsynced every second (a crash loses at most that second,
     * which the sweep re-queues from PostgreSQL). Memory capped below the container's limit with {@code noeviction},
     * so a full Redis refuses writes (the runtime then relies on PostgreSQL's sweep) instead of silently dropping
     * stream or retry keys.
     */
    static List<String> args(PlatformSettings.ManagedRedis redis) {
        List<String> args =
                new ArrayList<>(List.of("redis-server", "--requirepass", "$(REDIS_PASSWORD)", "--save", ""));
        if (redis.persistence().isPresent()) {
            args.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec"));
        } else {
            args.addAll(List.of("--appendonly", "no"));
        }
        Optional.ofNullable(redis.resources().getLimits())
                .map(limits -> limits.get("memory"))
                .ifPresent(limit -> {
                    // three quarters: room for the replication and client buffers Redis does not count
                    long bytes = Quantity.getAmountInBytes(limit).longValue() * 3 / 4;
                    args.addAll(List.of("--maxmemory", String.valueOf(bytes)));
                });
        args.addAll(List.of("--maxmemory-policy", "noeviction"));
        return args;
    }

    public static Service service(WebhookPlatform platform, PlatformSettings settings) {
        return StorePod.service(platform, settings.redisName(), COMPONENT, PlatformSettings.REDIS_PORT);
    }
}
