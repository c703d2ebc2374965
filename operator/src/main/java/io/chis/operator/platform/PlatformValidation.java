package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the CRD schema cannot check (or an API server without CEL did not): one store choice each, referenced
 * Secrets and keys that exist, values of the right shape. Pure: Secrets come through {@code secrets}.
 */
public final class PlatformValidation {
    public static final String DATABASE_READY = "DatabaseReady";
    public static final String QUEUE_READY = "QueueReady";
    private static final Pattern IMAGE = Pattern.compile(WebhookPlatformSpec.IMAGE_PATTERN);
    private static final Set<String> SERVICE_TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer");
    private static final int MIN_JWT_BYTES = 32;

    private PlatformValidation() {}

    public static List<SpecProblem> validate(
            WebhookPlatform platform, PlatformSettings settings, Function<String, Optional<Secret>> secrets) {
        WebhookPlatformSpec spec = platform.getSpec() == null ? new WebhookPlatformSpec() : platform.getSpec();
        String namespace = settings.namespace();
        List<SpecProblem> problems = new ArrayList<>();
        if (!IMAGE.matcher(settings.image()).matches()) {
            problems.add(new SpecProblem(
                    null,
                    "InvalidImage",
                    "spec.image '" + settings.image()
                            + "' is not an image reference like ghcr.io/chis-io/chis-runtime:0.1.0"));
        }
        if (!SERVICE_TYPES.contains(settings.apiServiceType())) {
            problems.add(new SpecProblem(
                    null,
                    "InvalidServiceType",
                    "spec.api.service.type '" + settings.apiServiceType()
                            + "' must be ClusterIP, NodePort or LoadBalancer"));
        }
        for (Role role : Role.values()) {
            if (settings.replicas(role) < 0) {
                problems.add(new SpecProblem(
                        null, "InvalidReplicas", "spec." + role.id() + ".replicas must not be negative"));
            }
        }

        boolean managedDb = spec.getDatabase() != null && spec.getDatabase().getManaged() != null;
        boolean externalDb = spec.getDatabase() != null && spec.getDatabase().getExternal() != null;
        boolean cnpgDb = spec.getDatabase() != null && spec.getDatabase().getCnpg() != null;
        int databases = (managedDb ? 1 : 0) + (externalDb ? 1 : 0) + (cnpgDb ? 1 : 0);
        if (databases != 1) {
            problems.add(new SpecProblem(
                    DATABASE_READY,
                    databases > 1 ? "DatabaseConfigConflict" : "DatabaseNotConfigured",
                    (databases > 1
                                    ? "spec.database has more than one of managed, external and cnpg"
                                    : "spec.database has neither managed nor external")
                            + ": set exactly one (database.managed: {} runs PostgreSQL 16 in the cluster)"));
        } else if (managedDb) {
            settings.managedPostgres().ifPresent(pg -> {
                if (!validQuantity(pg.storage())) {
                    problems.add(new SpecProblem(
                            DATABASE_READY,
                            "InvalidStorageSize",
                            "spec.database.managed.storage '" + pg.storage() + "' is not a quantity like 1Gi"));
                }
            });
        } else if (externalDb) {
            checkUrl(
                    problems,
                    DATABASE_READY,
                    "Database",
                    "spec.database.external.urlSecretRef",
                    settings.externalDatabase(),
                    namespace,
                    secrets,
                    "a PostgreSQL URL (postgresql://user:password@host:5432/db)",
                    "postgres://",
                    "postgresql://",
                    "jdbc:postgresql://",
                    "r2dbc:postgresql://");
        }

        boolean managedRedis = spec.getRedis() != null && spec.getRedis().getManaged() != null;
        boolean externalRedis = spec.getRedis() != null && spec.getRedis().getExternal() != null;
        if (managedRedis == externalRedis) {
            problems.add(new SpecProblem(
                    QUEUE_READY,
                    managedRedis ? "RedisConfigConflict" : "RedisNotConfigured",
                    (managedRedis
                                    ? "spec.redis has both managed and external"
                                    : "spec.redis has neither managed nor external")
                            + ": set exactly one (redis.managed: {} runs Redis 7.2 in the cluster)"));
        } else if (externalRedis) {
            checkUrl(
                    problems,
                    QUEUE_READY,
                    "Redis",
                    "spec.redis.external.urlSecretRef",
                    settings.externalRedis(),
                    namespace,
                    secrets,
                    "a Redis URL (redis://[user:password@]host:6379[/db])",
                    "redis://",
                    "rediss://");
        }

        settings.jwtSecretRef().ifPresent(ref -> {
            Optional<String> value = secretValue(
                    problems,
                    null,
                    "Jwt",
                    "spec.jwtSecretRef",
                    ref,
                    namespace,
                    secrets,
                    "an HMAC key of at least 32 bytes");
            value.filter(v -> v.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_BYTES)
                    .ifPresent(v -> problems.add(new SpecProblem(
                            null,
                            "JwtSecretTooShort",
                            "key '" + ref.getKey() + "' of Secret '"
                                    + ref.getName() + "' holds " + v.getBytes(StandardCharsets.UTF_8).length
                                    + " bytes; the JWT key needs at least 32")));
        });
        return problems;
    }

    private static void checkUrl(
            List<SpecProblem> problems,
            String conditionType,
            String prefix,
            String field,
            Optional<SecretKeyRef> ref,
            String namespace,
            Function<String, Optional<Secret>> secrets,
            String expected,
            String... schemes) {
        if (ref.isEmpty() || blank(ref.get().getName()) || blank(ref.get().getKey())) {
            problems.add(new SpecProblem(
                    conditionType,
                    prefix + "SecretRefMissing",
                    field + " needs a name and a key of a Secret holding " + expected));
            return;
        }
        secretValue(problems, conditionType, prefix, field, ref.get(), namespace, secrets, expected)
                .ifPresent(url -> {
                    for (String scheme : schemes) {
                        if (url.startsWith(scheme)) {
                            return;
                        }
                    }
                    problems.add(new SpecProblem(
                            conditionType,
                            prefix + "UrlInvalid",
                            "key '" + ref.get().getKey() + "' of Secret '"
                                    + ref.get().getName() + "' must hold " + expected + "; it starts with none of "
                                    + String.join(", ", schemes)));
                });
    }

    private static Optional<String> secretValue(
            List<SpecProblem> problems,
            String conditionType,
            String prefix,
            String field,
            SecretKeyRef ref,
            String namespace,
            Function<String, Optional<Secret>> secrets,
            String expected) {
        Optional<Secret> secret = secrets.apply(ref.getName());
        if (secret.isEmpty()) {
            problems.add(new SpecProblem(
                    conditionType,
                    prefix + "SecretNotFound",
                    field + " names Secret '" + ref.getName()
                            + "', which does not exist in namespace '" + namespace + "': create it with key '"
                            + ref.getKey()
                            + "' holding " + expected));
            return Optional.empty();
        }
        Optional<String> value =
                PlatformSecrets.value(secret.get(), ref.getKey()).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            problems.add(new SpecProblem(
                    conditionType,
                    prefix + "SecretKeyMissing",
                    "Secret '" + ref.getName() + "' has no key '" + ref.getKey() + "' (" + field + "): add it, holding "
                            + expected));
        }
        return value;
    }

    private static boolean validQuantity(String quantity) {
        try {
            return Quantity.getAmountInBytes(new Quantity(quantity)).signum() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
