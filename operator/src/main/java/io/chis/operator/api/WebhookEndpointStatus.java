package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Sync state and delivery statistics of one endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookEndpointStatus extends StatusWithConditions {
    @JsonPropertyDescription("Id of the endpoint in the runtime.")
    private String endpointId;
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

    public String getEndpointId() { return endpointId; }
    public void setEndpointId(String endpointId) { this.endpointId = endpointId; }
    public SecretKeyRef getSecretRef() { return secretRef; }
    public void setSecretRef(SecretKeyRef secretRef) { this.secretRef = secretRef; }
    public Long getDelivered() { return delivered; }
    public void setDelivered(Long delivered) { this.delivered = delivered; }
    public Long getFailed() { return failed; }
    public void setFailed(Long failed) { this.failed = failed; }
    public Long getDeadLettered() { return deadLettered; }
    public void setDeadLettered(Long deadLettered) { this.deadLettered = deadLettered; }
    public String getLastAttemptAt() { return lastAttemptAt; }
    public void setLastAttemptAt(String lastAttemptAt) { this.lastAttemptAt = lastAttemptAt; }
    public Integer getLastStatusCode() { return lastStatusCode; }
    public void setLastStatusCode(Integer lastStatusCode) { this.lastStatusCode = lastStatusCode; }
}
