package io.chis.operator.endpoint;

import io.chis.operator.api.Condition;
import io.chis.operator.api.EndpointHealth;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEndpointStatus;
import io.chis.operator.support.Conditions;
import io.chis.proto.v1.EndpointStats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A WebhookEndpoint's status from what a reconcile found out: pure, so every Ready reason has a plain test. */
public final class EndpointStatusBuilder {
    public static final String SYNCED = "Synced";
    public static final String ENDPOINT_DISABLED = "EndpointDisabled";
    public static final String POLICY_NOT_FOUND = "PolicyNotFound";

    private EndpointStatusBuilder() {}

    public static WebhookEndpointStatus build(WebhookEndpoint endpoint, EndpointSync sync, Instant now) {
        WebhookEndpointStatus before = endpoint.getStatus();
        WebhookEndpointStatus status = new WebhookEndpointStatus();
        long generation =
                Optional.ofNullable(endpoint.getMetadata().getGeneration()).orElse(0L);
        status.setObservedGeneration(generation);
        if (before != null) {
            // what this pass did not learn keeps its last known value
            status.setEndpointId(before.getEndpointId());
            status.setPlatform(before.getPlatform());
            status.setSecretRef(before.getSecretRef());
            status.setAppliedHash(before.getAppliedHash());
            status.setDelivered(before.getDelivered());
            status.setFailed(before.getFailed());
            status.setDeadLettered(before.getDeadLettered());
            status.setLastAttemptAt(before.getLastAttemptAt());
            status.setLastStatusCode(before.getLastStatusCode());
            status.setDisabled(before.getDisabled());
            status.setHealth(before.getHealth());
            status.setDisabledReason(before.getDisabledReason());
        }
        switch (sync) {
            case EndpointSync.Synced synced -> {
                status.setPlatform(synced.platform());
                status.setSecretRef(synced.secretRef());
                status.setAppliedHash(synced.appliedHash());
                EndpointStats stats = synced.stats();
                status.setEndpointId(stats.getId());
                status.setDelivered(stats.getDelivered());
                status.setFailed(stats.getFailed());
                status.setDeadLettered(stats.getDeadLettered());
                status.setLastAttemptAt(stats.getLastAttemptAt().isEmpty() ? null : stats.getLastAttemptAt());
                status.setLastStatusCode(stats.getLastStatusCode() == 0 ? null : stats.getLastStatusCode());
                status.setDisabled(stats.getDisabled());
                status.setHealth(health(stats));
                status.setDisabledReason(
                        stats.getDisabled() && !stats.getDisabledReason().isEmpty() ? stats.getDisabledReason() : null);
            }
            case EndpointSync.Failed failed -> {
                failed.platform().ifPresent(status::setPlatform);
                failed.secretRef().ifPresent(status::setSecretRef);
            }
        }
        status.setConditions(Conditions.merge(before, List.of(ready(endpoint, sync, status)), generation, now));
        return status;
    }

    static EndpointHealth health(EndpointStats stats) {
        if (!stats.hasHealth()) return null;
        var h = stats.getHealth();
        EndpointHealth health = new EndpointHealth();
        health.setLastSuccessAt(h.getLastSuccessAt().isEmpty() ? null : h.getLastSuccessAt());
        health.setLastFailureAt(h.getLastFailureAt().isEmpty() ? null : h.getLastFailureAt());
        health.setConsecutiveFailures(h.getConsecutiveFailures());
        health.setSuccessRate1h(h.hasSuccessRate1H() ? h.getSuccessRate1H() : null);
        health.setSuccessRate24h(h.hasSuccessRate24H() ? h.getSuccessRate24H() : null);
        return health;
    }

    private static Condition ready(WebhookEndpoint endpoint, EndpointSync sync, WebhookEndpointStatus status) {
        return switch (sync) {
            case EndpointSync.Failed failed ->
                Conditions.condition(
                        Conditions.READY,
                        false,
                        failed.problem().reason(),
                        failed.problem().getMessage());
            case EndpointSync.Synced synced -> synced(endpoint, synced, status);
        };
    }

    private static Condition synced(WebhookEndpoint endpoint, EndpointSync.Synced sync, WebhookEndpointStatus status) {
        boolean disabledBySpec = Boolean.TRUE.equals(endpoint.getSpec().getDisabled());
        // the runtime turned it off (410 Gone): nothing reaches the receiver although the spec wants it on
        if (sync.stats().getDisabled() && !disabledBySpec) {
            String why = Optional.ofNullable(status.getDisabledReason()).orElse("disabled by the runtime");
            return Conditions.condition(
                    Conditions.READY,
                    false,
                    ENDPOINT_DISABLED,
                    why
                            + "; to deliver to it again, change the WebhookEndpoint (e.g. set spec.disabled to true, then back to false)");
        }
        if (sync.policyMissing().isPresent()) {
            return Conditions.condition(
                    Conditions.READY,
                    false,
                    POLICY_NOT_FOUND,
                    sync.policyMissing().get().getMessage());
        }
        String synced = "synced into WebhookPlatform " + status.getPlatform();
        return Conditions.condition(
                Conditions.READY,
                true,
                SYNCED,
                disabledBySpec ? synced + "; disabled by spec.disabled, so nothing is delivered to it" : synced);
    }
}
