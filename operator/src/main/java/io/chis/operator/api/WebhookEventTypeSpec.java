package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The event type's name in the owner's catalog, what it means, and the schema its payloads must satisfy. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookEventTypeSpec {
    @Required
    @Pattern("^[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*$")
    @Size(max = 256)
    @JsonPropertyDescription("The event type, e.g. order.created (no wildcard; chis. types are Chis's own).")
    private String name;

    @Size(max = 1000)
    @JsonPropertyDescription("What the event means, for the people who subscribe to it.")
    private String description;

    @PreserveUnknownFields
    @JsonPropertyDescription("JSON Schema (2020-12) that POST /webhook/send payloads of this type must satisfy "
            + "(422 otherwise); absent = any payload.")
    private JsonNode schema;

    @Required
    @JsonPropertyDescription("Email of the account whose catalog holds the type; it must exist in the runtime.")
    private String owner;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public JsonNode getSchema() {
        return schema;
    }

    public void setSchema(JsonNode schema) {
        this.schema = schema;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }
}
