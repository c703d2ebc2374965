package io.chis.runtime.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A subscriber URL of an account; {@code ref} names the WebhookEndpoint resource when the operator manages it,
 * {@code filter} (null for none) narrows what it receives beyond its event types.
 */
public record Endpoint(
        UUID id,
        UUID accountId,
        String ref,
        String name,
        String url,
        List<String> eventTypes,
        String policy,
        Map<String, String> headers,
        boolean disabled,
        String disabledReason,
        String secret,
        String previousSecret,
        Instant previousValidUntil,
        Instant createdAt,
        String ordering,
        PayloadFilter filter) {

    public static final String UNORDERED = "unordered";
    public static final String FIFO = "fifo";

    /** Whether a message of this event type and payload (read once per message) is for this endpoint. */
    public boolean accepts(String eventType, JsonNode payload) {
        return eventType != null
                && EventTypes.anyMatches(eventTypes, eventType)
                && (filter == null || filter.matches(eventType, payload));
    }

    public boolean fifo() {
        return FIFO.equals(ordering);
    }
}
