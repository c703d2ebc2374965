package io.chis.operator.endpoint;

import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEndpointStatus;
import io.chis.operator.support.EventRecorder;
import java.util.Optional;

/**
 * The Kubernetes side of the runtime's chis.endpoint.disabled / chis.endpoint.enabled events: an Event on the
 * WebhookEndpoint when a stats sync finds that the runtime stopped or resumed delivering to it.
 */
final class DisabledEvents {
    static final String DISABLED = "Disabled";
    static final String ENABLED = "Enabled";

    /** An Event to record, as (type, reason, message). */
    record Announcement(String type, String reason, String message) {}

    private DisabledEvents() {}

    /** Pure: what changed between two statuses; nothing before the first sync or when nothing changed. */
    static Optional<Announcement> between(
            WebhookEndpoint endpoint, WebhookEndpointStatus before, WebhookEndpointStatus after) {
        if (before == null || before.getDisabled() == null || after.getDisabled() == null) {
            return Optional.empty();
        }
        if (before.getDisabled().equals(after.getDisabled())) {
            return Optional.empty();
        }
        if (after.getDisabled()) {
            String why = after.getDisabledReason() != null
                    ? after.getDisabledReason()
                    : Boolean.TRUE.equals(endpoint.getSpec().getDisabled())
                            ? "spec.disabled is true"
                            : "disabled in the runtime";
            return Optional.of(new Announcement(
                    EventRecorder.WARNING,
                    DISABLED,
                    "the runtime no longer delivers to " + endpoint.getSpec().getUrl() + ": " + why));
        }
        return Optional.of(new Announcement(
                EventRecorder.NORMAL,
                ENABLED,
                "the runtime delivers to " + endpoint.getSpec().getUrl() + " again"));
    }

    static void announce(
            EventRecorder events, WebhookEndpoint endpoint, WebhookEndpointStatus before, WebhookEndpointStatus after) {
        between(endpoint, before, after).ifPresent(a -> events.record(endpoint, a.type(), a.reason(), a.message()));
    }
}
