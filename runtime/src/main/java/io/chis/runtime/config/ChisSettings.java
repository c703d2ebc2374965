package io.chis.runtime.config;

import io.chis.common.Role;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Everything the runtime reads from its environment (README "Configuration"), parsed and checked once at start-up so that a
 * bad value fails fast with a message naming the variable.
 */
public record ChisSettings(
        Set<Role> roles,
        String databaseUrl,
        String redisUrl,
        String jwtSecret,
        String grpcAddress,
        int httpPort,
        int grpcPort,
        int metricsPort,
        int maxPayloadBytes,
        Path dataDir,
        boolean allowPrivateTargets,
        String adminToken,
        DeliverySettings delivery) {

    public static final int MIN_JWT_SECRET_BYTES = 32;

    /** Settings with the default worker and scheduler tuning. */
    public ChisSettings(
            Set<Role> roles,
            String databaseUrl,
            String redisUrl,
            String jwtSecret,
            String grpcAddress,
            int httpPort,
            int grpcPort,
            int metricsPort,
            int maxPayloadBytes,
            Path dataDir,
            boolean allowPrivateTargets,
            String adminToken) {
        this(
                roles,
                databaseUrl,
                redisUrl,
                jwtSecret,
                grpcAddress,
                httpPort,
                grpcPort,
                metricsPort,
                maxPayloadBytes,
                dataDir,
                allowPrivateTargets,
                adminToken,
                DeliverySettings.DEFAULTS);
    }

    public static ChisSettings fromEnv(Map<String, String> env) {
        Set<Role> roles = Role.parse(Setting.CHIS_ROLES.value(env));
        String databaseUrl = Setting.DATABASE_URL.raw(env);
        String redisUrl = Setting.REDIS_URL.raw(env);
        if (databaseUrl != null) DatabaseUrl.parse(databaseUrl);
        if (redisUrl != null && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
            throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://");
        }
        String jwtSecret = Setting.JWT_SECRET.raw(env);
        if (jwtSecret != null
                && jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
            throw new IllegalArgumentException("JWT_SECRET must be at least " + MIN_JWT_SECRET_BYTES
                    + " bytes long (HS256 needs a 256-bit key); generate one with: openssl rand -base64 48");
        }
        boolean allRoles = roles.size() == Role.values().length;
        boolean embedded = databaseUrl == null && redisUrl == null;
        String allowPrivate = Setting.CHIS_ALLOW_PRIVATE_TARGETS.raw(env);
        return new ChisSettings(
                roles,
                databaseUrl,
                redisUrl,
                jwtSecret,
                Setting.GRPC_ADDRESS.value(env),
                port(env, Setting.HTTP_PORT),
                port(env, Setting.GRPC_PORT),
                port(env, Setting.METRICS_PORT),
                positiveInt(env, Setting.CHIS_MAX_PAYLOAD_BYTES),
                Path.of(Setting.CHIS_DATA_DIR.value(env)).toAbsolutePath().normalize(),
                allowPrivate == null ? allRoles && embedded : Boolean.parseBoolean(allowPrivate),
                Setting.CHIS_ADMIN_TOKEN.raw(env),
                DeliverySettings.fromEnv(env));
    }

    public boolean runs(Role role) {
        return roles.contains(role);
    }

    public boolean runsAll() {
        return roles.size() == Role.values().length;
    }

    public ChisSettings withStores(String databaseUrl, String redisUrl) {
        return new ChisSettings(
                roles,
                databaseUrl,
                redisUrl,
                jwtSecret,
                grpcAddress,
                httpPort,
                grpcPort,
                metricsPort,
                maxPayloadBytes,
                dataDir,
                allowPrivateTargets,
                adminToken,
                delivery);
    }

    public ChisSettings withJwtSecret(String secret) {
        return new ChisSettings(
                roles,
                databaseUrl,
                redisUrl,
                secret,
                grpcAddress,
                httpPort,
                grpcPort,
                metricsPort,
                maxPayloadBytes,
                dataDir,
                allowPrivateTargets,
                adminToken,
                delivery);
    }

    private static int port(Map<String, String> env, Setting setting) {
        int value = positiveInt(env, setting);
        if (value > 65535) throw new IllegalArgumentException(setting + " must be a port number (1-65535)");
        return value;
    }

    static int positiveInt(Map<String, String> env, Setting setting) {
        String raw = setting.value(env);
        try {
            int value = Integer.parseInt(raw);
            if (value <= 0) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " must be a positive integer, got '" + raw + "'");
        }
    }
}
