package io.chis.runtime.endpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * An endpoint as {@code /api/endpoints} shows it. The secrets appear only when one endpoint is read, created or
 * rotated (absent from the list), and the previous secret only during a rotation's overlap; {@code managedBy} names
 * the WebhookEndpoint resource when the operator owns the endpoint; {@code filter} is null when there is none;
 * {@code health} appears when one endpoint is read.
 * Other absent values are {@code null}.
 */
public record EndpointView(
        UUID id,
        String name,
        String url,
        List<String> eventTypes,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret,
        @JsonInclude(JsonInclude.Include.NON_NULL) String previousSecret,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant previousValidUntil,
        String policy,
        Map<String, String> headers,
        boolean disabled,
        String disabledReason,
        String managedBy,
        Instant createdAt,
        String ordering,
        JsonNode filter,
        @JsonInclude(JsonInclude.Include.NON_NULL) EndpointRepository.Health health) {

    static EndpointView of(Endpoint e, boolean withSecret) {
        return of(e, withSecret, null);
    }

    /** With {@code health} when one endpoint is read. */
    static EndpointView of(Endpoint e, boolean withSecret, EndpointRepository.Health health) {
        return new EndpointView(
                e.id(),
                e.name(),
                e.url(),
                e.eventTypes(),
                withSecret ? e.secret() : null,
                withSecret ? e.previousSecret() : null,
                withSecret && e.previousSecret() != null ? e.previousValidUntil() : null,
                e.policy(),
                e.headers(),
                e.disabled(),
                e.disabledReason(),
                e.ref() == null ? null : "WebhookEndpoint " + e.ref(),
                e.createdAt(),
                e.ordering(),
                e.filter() == null ? null : e.filter().document(),
                health);
    }
}
