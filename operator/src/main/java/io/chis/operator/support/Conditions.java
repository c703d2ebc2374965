package io.chis.operator.support;

import io.chis.operator.api.Condition;
import io.chis.operator.api.StatusWithConditions;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Status bookkeeping shared by all kinds: transition times, observedGeneration, change detection. */
public final class Conditions {
    public static final String READY = "Ready";

    private Conditions() {}

    public static Condition condition(String type, boolean ok, String reason, String message) {
        return new Condition(type, ok ? Condition.TRUE : Condition.FALSE, reason, message);
    }

    public static Condition unknown(String type, String reason, String message) {
        return new Condition(type, Condition.UNKNOWN, reason, message);
    }

    public static Optional<Condition> find(StatusWithConditions status, String type) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }

    /**
     * Stamps the new conditions with the generation and a transition time, keeping the previous
     * lastTransitionTime of every condition whose status did not change.
     */
    public static List<Condition> merge(
            StatusWithConditions previous, List<Condition> next, long generation, Instant now) {
        List<Condition> merged = new ArrayList<>();
        String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        for (Condition condition : next) {
            Optional<Condition> before = find(previous, condition.getType());
            boolean unchanged = before.isPresent()
                    && Objects.equals(before.get().getStatus(), condition.getStatus())
                    && before.get().getLastTransitionTime() != null;
            condition.setLastTransitionTime(unchanged ? before.get().getLastTransitionTime() : stamp);
            condition.setObservedGeneration(generation);
            merged.add(condition);
        }
        return merged;
    }

    /** True when the two statuses would serialize identically (so a write would change nothing). */
    public static boolean same(Object previous, Object next) {
        if (previous == null || next == null) {
            return previous == next;
        }
        return Serialization.jsonMapper()
                .valueToTree(previous)
                .equals(Serialization.jsonMapper().valueToTree(next));
    }

    /** Patches {@code status} onto {@code resource} only when it differs from what is there (no write, no event). */
    public static <S, R extends CustomResource<?, S>> UpdateControl<R> patchIfChanged(R resource, S status) {
        if (same(resource.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        resource.setStatus(status);
        return UpdateControl.patchStatus(resource);
    }
}
