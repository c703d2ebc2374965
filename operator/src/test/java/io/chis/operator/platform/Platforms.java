package io.chis.operator.platform;

import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** WebhookPlatform fixtures. */
public final class Platforms {
    private Platforms() {}

    public static WebhookPlatform managed(String namespace, String name) {
        WebhookPlatform platform = new WebhookPlatform();
        platform.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        WebhookPlatformSpec spec = new WebhookPlatformSpec();
        WebhookPlatformSpec.DatabaseSpec database = new WebhookPlatformSpec.DatabaseSpec();
        database.setManaged(new WebhookPlatformSpec.ManagedDatabase());
        spec.setDatabase(database);
        WebhookPlatformSpec.RedisSpec redis = new WebhookPlatformSpec.RedisSpec();
        redis.setManaged(new WebhookPlatformSpec.ManagedRedis());
        spec.setRedis(redis);
        platform.setSpec(spec);
        return platform;
    }

    public static WebhookPlatform external(
            String namespace, String name, SecretKeyRef databaseUrl, SecretKeyRef redisUrl) {
        WebhookPlatform platform = managed(namespace, name);
        WebhookPlatformSpec.ExternalDatabase db = new WebhookPlatformSpec.ExternalDatabase();
        db.setUrlSecretRef(databaseUrl);
        platform.getSpec().getDatabase().setManaged(null);
        platform.getSpec().getDatabase().setExternal(db);
        WebhookPlatformSpec.ExternalStore queue = new WebhookPlatformSpec.ExternalStore();
        queue.setUrlSecretRef(redisUrl);
        platform.getSpec().getRedis().setManaged(null);
        platform.getSpec().getRedis().setExternal(queue);
        return platform;
    }

    /** Without gRPC TLS: for tests whose delivery role is a local runtime serving gRPC in plaintext. */
    public static WebhookPlatform plaintextGrpc(WebhookPlatform platform) {
        WebhookPlatformSpec.TlsSpec tls = new WebhookPlatformSpec.TlsSpec();
        tls.setEnabled(false);
        platform.getSpec().setTls(tls);
        return platform;
    }

    /** As the API server would return it: with a uid and a generation. */
    public static WebhookPlatform stored(WebhookPlatform platform) {
        platform.getMetadata().setUid("uid-" + platform.getMetadata().getName());
        platform.getMetadata().setGeneration(1L);
        return platform;
    }

    public static WebhookPlatformSpec.WorkerSpec worker(int replicas, Integer concurrency) {
        WebhookPlatformSpec.WorkerSpec worker = new WebhookPlatformSpec.WorkerSpec();
        worker.setReplicas(replicas);
        worker.setConcurrency(concurrency);
        return worker;
    }
}
