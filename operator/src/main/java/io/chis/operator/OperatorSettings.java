package io.chis.operator;

import io.chis.common.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's own configuration, from the environment.
 *
 * @param watchNamespaces   {@code WATCH_NAMESPACES}: comma list; empty means all namespaces
 * @param serverSideApply   {@code CHIS_OPERATOR_SERVER_SIDE_APPLY}: false for API servers without it (the fabric8 mock)
 * @param leaderElection    {@code CHIS_OPERATOR_LEADER_ELECTION}: take a Lease before reconciling (default true)
 * @param leaseNamespace    {@code POD_NAMESPACE} (downward API); else the client's namespace
 * @param identity          {@code POD_NAME} (downward API); else JOSDK's default (the host name)
 * @param healthPort        {@code CHIS_OPERATOR_HEALTH_PORT}: /healthz and /readyz (default 8081; 0 = off)
 * @param secretRecheck     how soon to look again for a Secret the spec names but that does not exist
 * @param deliveryAddress   {@code CHIS_OPERATOR_DELIVERY_ADDRESS}: where a platform's admin gRPC API listens;
 *                          {@code {name}} and {@code {namespace}} stand for the WebhookPlatform's
 * @param statsInterval     {@code CHIS_OPERATOR_STATS_INTERVAL}: how often a synced WebhookEndpoint's stats are refreshed
 * @param syncRetry         how soon a policy or endpoint that could not be synced (runtime unreachable, owner missing) is tried again
 */
public record OperatorSettings(
        Set<String> watchNamespaces,
        boolean serverSideApply,
        boolean leaderElection,
        Optional<String> leaseNamespace,
        Optional<String> identity,
        int healthPort,
        Duration secretRecheck,
        String deliveryAddress,
        Duration statsInterval,
        Duration syncRetry) {

    public static final String LEASE_NAME = "chis-operator-lease";
    public static final String DEFAULT_DELIVERY_ADDRESS = "{name}-delivery.{namespace}.svc:50051";
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SYNC_RETRY = Duration.ofSeconds(10);

    /** Without the admin API settings: their defaults. */
    public OperatorSettings(
            Set<String> watchNamespaces,
            boolean serverSideApply,
            boolean leaderElection,
            Optional<String> leaseNamespace,
            Optional<String> identity,
            int healthPort,
            Duration secretRecheck) {
        this(
                watchNamespaces,
                serverSideApply,
                leaderElection,
                leaseNamespace,
                identity,
                healthPort,
                secretRecheck,
                DEFAULT_DELIVERY_ADDRESS,
                DEFAULT_STATS_INTERVAL,
                DEFAULT_SYNC_RETRY);
    }

    /** The same settings calling the runtimes at {@code deliveryAddress}, refreshing and retrying at the given pace. */
    public OperatorSettings withAdminApi(String deliveryAddress, Duration statsInterval, Duration syncRetry) {
        return new OperatorSettings(
                watchNamespaces,
                serverSideApply,
                leaderElection,
                leaseNamespace,
                identity,
                healthPort,
                secretRecheck,
                deliveryAddress,
                statsInterval,
                syncRetry);
    }

    /** The admin API address of one platform: the template with its name and namespace filled in. */
    public String deliveryAddress(String namespace, String platform) {
        return deliveryAddress.replace("{name}", platform).replace("{namespace}", namespace);
    }

    public static OperatorSettings fromEnv(Map<String, String> env) {
        return new OperatorSettings(
                Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                bool(env, "CHIS_OPERATOR_SERVER_SIDE_APPLY", true),
                bool(env, "CHIS_OPERATOR_LEADER_ELECTION", true),
                nonBlank(env.get("POD_NAMESPACE")),
                nonBlank(env.get("POD_NAME")),
                Integer.parseInt(
                        env.getOrDefault("CHIS_OPERATOR_HEALTH_PORT", "8081").trim()),
                Duration.ofSeconds(30),
                nonBlank(env.get("CHIS_OPERATOR_DELIVERY_ADDRESS")).orElse(DEFAULT_DELIVERY_ADDRESS),
                duration(env, "CHIS_OPERATOR_STATS_INTERVAL", DEFAULT_STATS_INTERVAL),
                DEFAULT_SYNC_RETRY);
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        Optional<String> value = nonBlank(env.get(name));
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            Duration parsed = Durations.parse(value.get());
            if (parsed.isZero()) {
                throw new IllegalArgumentException("must be longer than 0");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.trim().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        };
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(s -> !s.isEmpty());
    }
}
