package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Sync state and delivery statistics of one endpoint. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookEndpointStatus extends StatusWithConditions {
    @JsonPropertyDescription("Id of the endpoint in the runtime.")
    private String endpointId;

    @JsonPropertyDescription("The WebhookPlatform whose runtime holds the endpoint.")
    private String platform;

    @JsonPropertyDescription("Where the signing secret is (the given secretRef or the generated Secret).")
    private SecretKeyRef secretRef;

    @JsonPropertyDescription("Deliveries that succeeded.")
    private Long delivered;

    @JsonPropertyDescription("Attempts that failed (and were retried).")
    private Long failed;

    @JsonPropertyDescription("Deliveries dead-lettered after their last retry.")
    private Long deadLettered;

    @JsonPropertyDescription("When the last attempt was made (RFC 3339).")
    private String lastAttemptAt;

    @JsonPropertyDescription("HTTP status code of the last attempt.")
    private Integer lastStatusCode;

    @JsonPropertyDescription("Whether the runtime delivers nothing to it (spec.disabled, or disabled by the runtime).")
    private Boolean disabled;

    @JsonPropertyDescription("Last success and failure, failures in a row, success rates over the last hour and day.")
    private EndpointHealth health;

    @JsonPropertyDescription("Why the runtime stopped delivering to it (e.g. the receiver answered 410 Gone).")
    private String disabledReason;

    @JsonPropertyDescription("Hash of the settings last applied to the runtime; a change applies them again.")
    private String appliedHash;

    public String getEndpointId() {
        return endpointId;
    }

    public void setEndpointId(String endpointId) {
        this.endpointId = endpointId;
    }

    public String getPlatform() {
        return platform;
    }

    public void setPlatform(String platform) {
        this.platform = platform;
    }

    public SecretKeyRef getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(SecretKeyRef secretRef) {
        this.secretRef = secretRef;
    }

    public Long getDelivered() {
        return delivered;
    }

    public void setDelivered(Long delivered) {
        this.delivered = delivered;
    }

    public Long getFailed() {
        return failed;
    }

    public void setFailed(Long failed) {
        this.failed = failed;
    }

    public Long getDeadLettered() {
        return deadLettered;
    }

    public void setDeadLettered(Long deadLettered) {
        this.deadLettered = deadLettered;
    }

    public String getLastAttemptAt() {
        return lastAttemptAt;
    }

    public void setLastAttemptAt(String lastAttemptAt) {
        this.lastAttemptAt = lastAttemptAt;
    }

    public Integer getLastStatusCode() {
        return lastStatusCode;
    }

    public void setLastStatusCode(Integer lastStatusCode) {
        this.lastStatusCode = lastStatusCode;
    }

    public EndpointHealth getHealth() {
        return health;
    }

    public void setHealth(EndpointHealth health) {
        this.health = health;
    }

    public Boolean getDisabled() {
        return disabled;
    }

    public void setDisabled(Boolean disabled) {
        this.disabled = disabled;
    }

    public String getDisabledReason() {
        return disabledReason;
    }

    public void setDisabledReason(String disabledReason) {
        this.disabledReason = disabledReason;
    }

    public String getAppliedHash() {
        return appliedHash;
    }

    public void setAppliedHash(String appliedHash) {
        this.appliedHash = appliedHash;
    }
}
