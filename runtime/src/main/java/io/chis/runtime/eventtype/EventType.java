package io.chis.runtime.eventtype;

import java.time.Instant;
import java.util.UUID;

/**
 * An entry of an account's event-type catalog; {@code schema} (JSON text, null for none) is what payloads sent under
 * this type must satisfy, and {@code ref} names the WebhookEventType resource when the operator manages it.
 */
public record EventType(
        UUID accountId,
        String name,
        String ref,
        String description,
        String schema,
        Instant createdAt,
        Instant updatedAt) {}
