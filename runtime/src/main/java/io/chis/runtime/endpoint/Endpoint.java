package io.chis.runtime.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A subscriber URL of an account; {@code ref} names the WebhookEndpoint resource when the operator manages it. */
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
        Instant createdAt) {}
