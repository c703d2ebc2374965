package io.chis.runtime.eventtype;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An event type as {@code /api/event-types} shows it: the schema as the JSON document it is ({@code null} for none);
 * {@code managedBy} names the WebhookEventType resource when the operator owns the type.
 */
public record EventTypeView(
        String name, String description, JsonNode schema, String managedBy, Instant createdAt, Instant updatedAt) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static EventTypeView of(EventType t) {
        return new EventTypeView(
                t.name(),
                t.description(),
                t.schema() == null ? null : JSON.readTree(t.schema()),
                t.ref() == null ? null : "WebhookEventType " + t.ref(),
                t.createdAt(),
                t.updatedAt());
    }
}
