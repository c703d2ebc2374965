package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Retry policy; the defaults reproduce the seed's schedule (1s, 2s, 4s, 8s, 16s, then dead letter). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeliveryPolicySpec {
    /** Go-style duration: one or more number+unit pairs, e.g. 500ms, 30s, 1h30m. */
    public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h))+$";

    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Retries after the first attempt before dead-lettering. Default 5.")
    private Integer maxRetries;

    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Delay before the first retry. Default 1s.")
    private String initialDelay;

    @Min(1)
    @JsonPropertyDescription("Each retry waits this many times the previous delay. Default 2.0.")
    private Double multiplier;

    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Cap on any single delay (also caps Retry-After). Default 10m.")
    private String maxDelay;

    @Min(0)
    @Max(1)
    @JsonPropertyDescription("Random spread of each delay, as a fraction (0.1 = +/-10%). Default 0.")
    private Double jitter;

    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Request timeout of one attempt. Default 30s.")
    private String timeout;

    @Min(1)
    @JsonPropertyDescription("Most attempts per second to one endpoint. Default: unlimited.")
    private Integer rateLimitPerSecond;

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

    public Integer getRateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    public void setRateLimitPerSecond(Integer rateLimitPerSecond) {
        this.rateLimitPerSecond = rateLimitPerSecond;
    }
}
