package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The effective policy, defaults applied, and the retry schedule it produces. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeliveryPolicyStatus extends StatusWithConditions {
    @JsonPropertyDescription("Delays before each retry without jitter, e.g. 1s,2s,4s,8s,16s.")
    private String schedule;

    @JsonPropertyDescription("Effective maxRetries.")
    private Integer maxRetries;

    @JsonPropertyDescription("Effective initialDelay.")
    private String initialDelay;

    @JsonPropertyDescription("Effective multiplier.")
    private Double multiplier;

    @JsonPropertyDescription("Effective maxDelay.")
    private String maxDelay;

    @JsonPropertyDescription("Effective jitter.")
    private Double jitter;

    @JsonPropertyDescription("Effective timeout.")
    private String timeout;

    public String getSchedule() {
        return schedule;
    }

    public void setSchedule(String schedule) {
        this.schedule = schedule;
    }

    public Integer getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(Integer maxRetries) {
        this.maxRetries = maxRetries;
    }

    public String getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(String initialDelay) {
        this.initialDelay = initialDelay;
    }

    public Double getMultiplier() {
        return multiplier;
    }

    public void setMultiplier(Double multiplier) {
        this.multiplier = multiplier;
    }

    public String getMaxDelay() {
        return maxDelay;
    }

    public void setMaxDelay(String maxDelay) {
        this.maxDelay = maxDelay;
    }

    public Double getJitter() {
        return jitter;
    }

    public void setJitter(Double jitter) {
        this.jitter = jitter;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }
}
