package io.chis.operator.platform;

import io.chis.operator.api.Condition;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.Optional;
import java.util.function.Function;

/**
 * A store's claim against the size its spec asks for. A StatefulSet's volumeClaimTemplates never change, so a bigger
 * {@code storage} is written to the claim itself, which Kubernetes grows only where its StorageClass has
 * {@code allowVolumeExpansion: true}; a smaller one is refused (a claim never shrinks). Pure.
 */
public final class StoreVolumes {
    /** Condition types: how the claims compare with the spec. Informational: they do not make the platform unready. */
    public static final String DATABASE_VOLUME = "DatabaseVolume";

    public static final String QUEUE_VOLUME = "QueueVolume";
    public static final String SIZE_APPLIED = "VolumeSizeApplied";
    public static final String EXPANDING = "VolumeExpanding";
    public static final String EXPANSION_NOT_ALLOWED = "VolumeExpansionNotAllowed";
    public static final String SHRINK_REFUSED = "VolumeShrinkRefused";

    private StoreVolumes() {}

    /**
     * What to report about one claim and, when it should grow, the size to write into it.
     *
     * @param grow the new {@code spec.resources.requests.storage}; empty: leave the claim as it is
     */
    public record Outcome(Condition condition, Optional<String> grow) {}

    /**
     * @param classes reads a StorageClass by name (asked only when the claim should grow)
     */
    public static Outcome decide(
            String conditionType,
            PersistentVolumeClaim claim,
            String wanted,
            Function<String, Optional<StorageClass>> classes) {
        String name = claim.getMetadata().getName();
        Optional<Quantity> requested = requested(claim);
        if (requested.isEmpty()) {
            return new Outcome(applied(conditionType, name, wanted, claim), Optional.empty());
        }
        int order =
                Quantity.getAmountInBytes(new Quantity(wanted)).compareTo(Quantity.getAmountInBytes(requested.get()));
        String has = requested.get().toString();
        if (order == 0) {
            return new Outcome(applied(conditionType, name, has, claim), Optional.empty());
        }
        if (order < 0) {
            return new Outcome(
                    Conditions.condition(
                            conditionType,
                            false,
                            SHRINK_REFUSED,
                            "the spec asks for " + wanted + " but claim '" + name + "' already has " + has
                                    + ": a PersistentVolumeClaim never shrinks; set storage to at least " + has),
                    Optional.empty());
        }
        Optional<String> className =
                Optional.ofNullable(claim.getSpec().getStorageClassName()).filter(c -> !c.isBlank());
        if (className.isEmpty()) {
            return notExpandable(conditionType, name, has, wanted, "it has no StorageClass");
        }
        Optional<StorageClass> storageClass = classes.apply(className.get());
        if (storageClass.isEmpty()) {
            return notExpandable(
                    conditionType,
                    name,
                    has,
                    wanted,
                    "its StorageClass '" + className.get()
                            + "' was not found (or the operator may not read it: README, Install)");
        }
        if (!Boolean.TRUE.equals(storageClass.get().getAllowVolumeExpansion())) {
            return notExpandable(
                    conditionType,
                    name,
                    has,
                    wanted,
                    "its StorageClass '" + className.get() + "' does not set allowVolumeExpansion: true");
        }
        return new Outcome(
                Conditions.condition(
                        conditionType,
                        true,
                        EXPANDING,
                        "claim '" + name + "' is growing from " + has + " to " + wanted),
                Optional.of(wanted));
    }

    private static Condition applied(String conditionType, String name, String size, PersistentVolumeClaim claim) {
        Optional<Quantity> capacity =
                Optional.ofNullable(claim.getStatus()).map(s -> s.getCapacity()).map(c -> c.get("storage"));
        // the request is written; the volume (and then its file system) catches up
        if (capacity.isPresent()
                && Quantity.getAmountInBytes(capacity.get()).compareTo(Quantity.getAmountInBytes(new Quantity(size)))
                        < 0) {
            return Conditions.condition(
                    conditionType,
                    true,
                    EXPANDING,
                    "claim '" + name + "' is growing from " + capacity.get() + " to " + size);
        }
        return Conditions.condition(conditionType, true, SIZE_APPLIED, "claim '" + name + "' has " + size);
    }

    private static Outcome notExpandable(String conditionType, String name, String has, String wanted, String why) {
        return new Outcome(
                Conditions.condition(
                        conditionType,
                        false,
                        EXPANSION_NOT_ALLOWED,
                        "claim '" + name + "' stays at " + has + " (the spec asks for " + wanted + "): " + why
                                + "; use a StorageClass that allows expansion, or set storage back to " + has),
                Optional.empty());
    }

    private static Optional<Quantity> requested(PersistentVolumeClaim claim) {
        return Optional.ofNullable(claim.getSpec())
                .map(s -> s.getResources())
                .map(r -> r.getRequests())
                .map(r -> r.get("storage"));
    }
}
