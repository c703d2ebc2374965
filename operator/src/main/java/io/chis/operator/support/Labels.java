package io.chis.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** The app.kubernetes.io labels every child carries; the informers select on {@link #MANAGED_BY}. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "chis-operator";
    public static final String APP = "chis";
    /** Label selector of every informer the operator runs for children. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private Labels() {}

    /** Stable labels a workload selects its pods by (never change them: selectors are immutable). */
    public static Map<String, String> selector(HasMetadata owner, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, APP);
        labels.put(INSTANCE, owner.getMetadata().getName());
        labels.put(COMPONENT, component);
        return labels;
    }

    /** Labels of a child object's own metadata. */
    public static Map<String, String> of(HasMetadata owner, String component) {
        Map<String, String> labels = selector(owner, component);
        labels.put(PART_OF, APP);
        labels.put(MANAGED_BY, OPERATOR);
        return labels;
    }
}
