package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How the runtime's attempts to a WebhookEndpoint are going, as its admin API reports them. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointHealth {
    @JsonPropertyDescription("When an attempt last succeeded (RFC 3339).")
    private String lastSuccessAt;

    @JsonPropertyDescription("When an attempt last failed (RFC 3339).")
    private String lastFailureAt;

    @JsonPropertyDescription("Failed attempts since the last success.")
    private Long consecutiveFailures;

    @JsonPropertyDescription("Share of the last hour's attempts that succeeded (0 to 1); absent without attempts.")
    private Double successRate1h;

    @JsonPropertyDescription("Share of the last day's attempts that succeeded (0 to 1); absent without attempts.")
    private Double successRate24h;

    public String getLastSuccessAt() {
        return lastSuccessAt;
    }

    public void setLastSuccessAt(String lastSuccessAt) {
        this.lastSuccessAt = lastSuccessAt;
    }

    public String getLastFailureAt() {
        return lastFailureAt;
    }

    public void setLastFailureAt(String lastFailureAt) {
        this.lastFailureAt = lastFailureAt;
    }

    public Long getConsecutiveFailures() {
        return consecutiveFailures;
    }

    public void setConsecutiveFailures(Long consecutiveFailures) {
        this.consecutiveFailures = consecutiveFailures;
    }

    public Double getSuccessRate1h() {
        return successRate1h;
    }

    public void setSuccessRate1h(Double successRate1h) {
        this.successRate1h = successRate1h;
    }

    public Double getSuccessRate24h() {
        return successRate24h;
    }

    public void setSuccessRate24h(Double successRate24h) {
        this.successRate24h = successRate24h;
    }
}
