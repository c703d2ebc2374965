package io.chis.operator;

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
 */
public record OperatorSettings(
        Set<String> watchNamespaces,
        boolean serverSideApply,
        boolean leaderElection,
        Optional<String> leaseNamespace,
        Optional<String> identity,
        int healthPort,
        Duration secretRecheck) {

    public static final String LEASE_NAME = "chis-operator-lease";

    public static OperatorSettings fromEnv(Map<String, String> env) {
        return new OperatorSettings(
                Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
                bool(env, "CHIS_OPERATOR_SERVER_SIDE_APPLY", true),
                bool(env, "CHIS_OPERATOR_LEADER_ELECTION", true),
                nonBlank(env.get("POD_NAMESPACE")),
                nonBlank(env.get("POD_NAME")),
                Integer.parseInt(env.getOrDefault("CHIS_OPERATOR_HEALTH_PORT", "8081").trim()),
                Duration.ofSeconds(30));
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
