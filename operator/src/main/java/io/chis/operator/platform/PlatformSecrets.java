package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The generated Secrets. A value is generated only when the existing Secret lacks it: a password or key that
 * is already there is always carried over, so a reconcile never rotates credentials by accident.
 */
public final class PlatformSecrets {
    public static final String JWT_SECRET = "jwt-secret";
    public static final String ADMIN_TOKEN = "admin-token";
    public static final String INTERNAL_TOKEN = "internal-token";
    public static final String CONFIG_SALT = "config-salt";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String DATABASE = "database";
    public static final String URL = "url";
    static final String POSTGRES_USER = "chis";
    static final String POSTGRES_DATABASE = "chis";
    static final String REDIS_USER = "default";

    private PlatformSecrets() {}

    /** {@code <name>-runtime}: the JWT key (unless the spec names one), the admin token the operator calls
     * the runtime with, the internal token the roles call each other with, and the salt of the config hash. */
    public static Secret runtime(
            WebhookPlatform platform, PlatformSettings settings, Optional<Secret> existing, RandomTokens tokens) {
        Map<String, String> data = new LinkedHashMap<>();
        if (settings.jwtSecretRef().isEmpty()) {
            data.put(JWT_SECRET, keep(existing, JWT_SECRET).orElseGet(() -> tokens.alphanumeric(64)));
        }
        data.put(ADMIN_TOKEN, keep(existing, ADMIN_TOKEN).orElseGet(() -> tokens.alphanumeric(48)));
        data.put(INTERNAL_TOKEN, keep(existing, INTERNAL_TOKEN).orElseGet(() -> tokens.alphanumeric(48)));
        // keys the pods' config-hash annotation, so the hash reveals nothing about the secrets it covers
        data.put(CONFIG_SALT, keep(existing, CONFIG_SALT).orElseGet(() -> tokens.alphanumeric(32)));
        return secret(platform, settings.runtimeSecretName(), "runtime", data);
    }

    /** {@code <name>-postgres}: the managed database's credentials and the DATABASE_URL built from them. */
    public static Secret postgres(
            WebhookPlatform platform, PlatformSettings settings, Optional<Secret> existing, RandomTokens tokens) {
        String password = keep(existing, PASSWORD).orElseGet(() -> tokens.alphanumeric(32));
        Map<String, String> data = new LinkedHashMap<>();
        data.put(USERNAME, POSTGRES_USER);
        data.put(PASSWORD, password);
        data.put(DATABASE, POSTGRES_DATABASE);
        data.put(
                URL,
                "postgresql://" + POSTGRES_USER + ":" + password + "@" + settings.serviceHost(settings.postgresName())
                        + ":" + PlatformSettings.POSTGRES_PORT + "/" + POSTGRES_DATABASE);
        return secret(platform, settings.postgresName(), "postgres", data);
    }

    /** {@code <name>-redis}: the managed Redis password and the REDIS_URL built from it. */
    public static Secret redis(
            WebhookPlatform platform, PlatformSettings settings, Optional<Secret> existing, RandomTokens tokens) {
        String password = keep(existing, PASSWORD).orElseGet(() -> tokens.alphanumeric(32));
        Map<String, String> data = new LinkedHashMap<>();
        data.put(PASSWORD, password);
        data.put(
                URL,
                "redis://" + REDIS_USER + ":" + password + "@" + settings.serviceHost(settings.redisName()) + ":"
                        + PlatformSettings.REDIS_PORT + "/0");
        return secret(platform, settings.redisName(), "redis", data);
    }

    /** The decoded value of one key, if the Secret has it. */
    public static Optional<String> value(Secret secret, String key) {
        if (secret == null) {
            return Optional.empty();
        }
        if (secret.getData() != null && secret.getData().get(key) != null) {
            return Optional.of(
                    new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
        }
        if (secret.getStringData() != null) {
            return Optional.ofNullable(secret.getStringData().get(key));
        }
        return Optional.empty();
    }

    private static Optional<String> keep(Optional<Secret> existing, String key) {
        return existing.flatMap(secret -> value(secret, key)).filter(v -> !v.isEmpty());
    }

    private static Secret secret(WebhookPlatform platform, String name, String component, Map<String, String> values) {
        return secret(platform, name, component, "Opaque", values);
    }

    static Secret secret(
            WebhookPlatform platform, String name, String component, String type, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder()
                .withMetadata(ChildMetadata.of(platform, name, component))
                .withType(type)
                .withData(data)
                .build();
    }
}
