package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatformSpec.SchedulingSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where one workload's pods run: the scheduling fields of its spec, with a default spread for workloads that run
 * more than one pod. Pure.
 *
 * @param spread the user's constraints; empty means the default (an explicit {@code []} stays empty: no spread)
 */
public record PodPlacement(
        Optional<List<TopologySpreadConstraint>> spread,
        Optional<String> priorityClassName,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Optional<Affinity> affinity) {
    public static final PodPlacement DEFAULT =
            new PodPlacement(Optional.empty(), Optional.empty(), Map.of(), List.of(), Optional.empty());
    static final String ZONE = "topology.kubernetes.io/zone";
    static final String HOST = "kubernetes.io/hostname";

    static PodPlacement of(SchedulingSpec spec) {
        if (spec == null) {
            return DEFAULT;
        }
        return new PodPlacement(
                Optional.ofNullable(spec.getTopologySpreadConstraints()).map(List::copyOf),
                Optional.ofNullable(spec.getPriorityClassName()).filter(s -> !s.isBlank()),
                spec.getNodeSelector() == null ? Map.of() : Map.copyOf(spec.getNodeSelector()),
                spec.getTolerations() == null ? List.of() : List.copyOf(spec.getTolerations()),
                Optional.ofNullable(spec.getAffinity()));
    }

    /**
     * Sets the pod's scheduling fields. {@code podLabels} select the workload's pods (for a constraint that names
     * none); {@code replicated} whether it may run more than one pod, the only case that gets the default spread.
     */
    void applyTo(PodSpec pod, Map<String, String> podLabels, boolean replicated) {
        List<TopologySpreadConstraint> constraints = spread.map(list -> list.stream()
                        .map(c -> c.getLabelSelector() != null
                                ? c
                                : new TopologySpreadConstraintBuilder(c)
                                        .withNewLabelSelector()
                                        .withMatchLabels(podLabels)
                                        .endLabelSelector()
                                        .build())
                        .toList())
                .orElseGet(() -> replicated ? defaultSpread(podLabels) : List.of());
        // empty rather than null, as a pod spec read back from the API server has them (empty is never serialized)
        pod.setTopologySpreadConstraints(new ArrayList<>(constraints));
        pod.setPriorityClassName(priorityClassName.orElse(null));
        pod.setNodeSelector(new LinkedHashMap<>(nodeSelector));
        pod.setTolerations(new ArrayList<>(tolerations));
        pod.setAffinity(affinity.orElse(null));
    }

    /** Zones first, then nodes; a preference (ScheduleAnyway), so a one-node or one-zone cluster still runs them all. */
    static List<TopologySpreadConstraint> defaultSpread(Map<String, String> podLabels) {
        return List.of(preferSpread(ZONE, podLabels), preferSpread(HOST, podLabels));
    }

    private static TopologySpreadConstraint preferSpread(String topologyKey, Map<String, String> podLabels) {
        return new TopologySpreadConstraintBuilder()
                .withMaxSkew(1)
                .withTopologyKey(topologyKey)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .withMatchLabels(podLabels)
                .endLabelSelector()
                .build();
    }
}
