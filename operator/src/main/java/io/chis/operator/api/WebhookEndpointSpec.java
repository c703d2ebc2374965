package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookEndpointSpec {
    @JsonPropertyDescription(
            "Name of the WebhookPlatform that delivers to this endpoint. Default: the only one in the namespace.")
    private String platformRef;

    @Required
    @Pattern("^https?://[^\\s/$.?#][^\\s]*$")
    @JsonPropertyDescription("Receiver URL (http or https).")
    private String url;

    @JsonPropertyDescription("Event types to deliver; '*' matches all, 'user.*' a prefix. Default ['*'].")
    private List<@Pattern("^(\\*|[A-Za-z0-9_.-]+(\\.\\*)?)$") String> eventTypes;

    @Required
    @Pattern("^[^@\\s]+@[^@\\s]+$")
    @JsonPropertyDescription("Email of the account that owns the endpoint.")
    private String owner;

    @JsonPropertyDescription("Name of a DeliveryPolicy. Default: the platform's defaultPolicy.")
    private String policyRef;

    @JsonPropertyDescription("Secret key with the signing secret (whsec_...). Generated when absent.")
    private SecretKeyRef secretRef;

    @JsonPropertyDescription("Extra HTTP headers sent with every delivery.")
    private Map<String, String> headers;

    @JsonPropertyDescription("Stop delivering to this endpoint without deleting it.")
    private Boolean disabled;

    @Pattern("^(unordered|fifo)$")
    @JsonPropertyDescription("'fifo': deliveries are attempted one at a time in the order their messages were accepted;"
            + " a failing one holds those behind it. Default 'unordered'.")
    private String ordering;

    @PreserveUnknownFields
    @JsonPropertyDescription("Payload filter the message must pass besides eventTypes, e.g."
            + " {\"payload.amount\": {\"$gte\": 100}}: dotted paths into payload or eventType, operators $eq $ne $gt"
            + " $gte $lt $lte $in $nin $exists $prefix $not, combinators $and $or.")
    private JsonNode filter;

    public String getPlatformRef() {
        return platformRef;
    }

    public void setPlatformRef(String platformRef) {
        this.platformRef = platformRef;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public List<String> getEventTypes() {
        return eventTypes;
    }

    public void setEventTypes(List<String> eventTypes) {
        this.eventTypes = eventTypes;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public String getPolicyRef() {
        return policyRef;
    }

    public void setPolicyRef(String policyRef) {
        this.policyRef = policyRef;
    }

    public SecretKeyRef getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(SecretKeyRef secretRef) {
        this.secretRef = secretRef;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }

    public String getOrdering() {
        return ordering;
    }

    public void setOrdering(String ordering) {
        this.ordering = ordering;
    }

    public JsonNode getFilter() {
        return filter;
    }

    public void setFilter(JsonNode filter) {
        this.filter = filter;
    }

    public Boolean getDisabled() {
        return disabled;
    }

    public void setDisabled(Boolean disabled) {
        this.disabled = disabled;
    }
}
