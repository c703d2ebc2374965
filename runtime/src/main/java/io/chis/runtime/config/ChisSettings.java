package io.chis.runtime.config;

import io.chis.common.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
        DeliverySettings delivery,
        SecuritySettings security,
        String bindAddress) {

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
                DeliverySettings.DEFAULTS,
                SecuritySettings.DEFAULTS,
                null);
    }

    public static ChisSettings fromEnv(Map<String, String> env) {
        Set<Role> roles = Role.parse(Setting.CHIS_ROLES.value(env));
        String databaseUrl = Setting.DATABASE_URL.raw(env);
        String redisUrl = Setting.REDIS_URL.raw(env);
        if (databaseUrl != null) DatabaseUrl.parse(databaseUrl);
        // Lettuce's RedisURI: rediss:// is TLS, redis-sentinel://[user:pass@]host:port[,host:port][/db]#master asks
        // the sentinels for the master and again after a failover
        if (redisUrl != null
                && !redisUrl.startsWith("redis://")
                && !redisUrl.startsWith("rediss://")
                && !redisUrl.startsWith("redis-sentinel://")) {
            throw new IllegalArgumentException("REDIS_URL must start with redis://, rediss:// or redis-sentinel://");
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
                DeliverySettings.fromEnv(env),
                SecuritySettings.fromEnv(env),
                bindAddress(Setting.CHIS_BIND_ADDRESS.raw(env)));
    }

    /**
     * {@code CHIS_SHUTDOWN_DELAY}, read apart from the roles' settings: it concerns only how the process stops
     * ({@link io.chis.runtime.ChisRuntime#shutdown}), and its launchers choose the default.
     */
    public static java.time.Duration shutdownDelay(Map<String, String> env) {
        return DeliverySettings.duration(env, Setting.CHIS_SHUTDOWN_DELAY, true);
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
                delivery,
                security,
                bindAddress);
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
                delivery,
                security,
                bindAddress);
    }

    public ChisSettings withInternalToken(String token) {
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
                delivery,
                security.withInternalToken(token),
                bindAddress);
    }

    /** The address each listener (REST, gRPC, metrics) binds: null for all interfaces. */
    public InetSocketAddress listenAddress(int port) {
        return bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
    }

    /** An IP literal only: a host name would make start-up depend on DNS and could bind something unintended. */
    static String bindAddress(String raw) {
        if (raw == null) return null;
        String literal = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
        boolean ipv4 = literal.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
        try {
            // a string with a colon is parsed as an IPv6 literal, never looked up
            if (ipv4 || literal.contains(":"))
                return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "CHIS_BIND_ADDRESS must be an IP address of this host (e.g. 10.0.0.5 or ::1), got '" + raw + "'");
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
