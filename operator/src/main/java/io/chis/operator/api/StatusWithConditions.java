package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The status shape every Chis kind shares: observedGeneration and conditions with exactly one Ready. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class StatusWithConditions {
    @JsonPropertyDescription("The metadata.generation the operator last acted on.")
    private Long observedGeneration;

    @JsonPropertyDescription("Conditions keyed by type; exactly one is Ready.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
