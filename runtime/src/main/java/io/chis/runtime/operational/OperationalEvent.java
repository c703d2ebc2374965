package io.chis.runtime.operational;

import java.time.Instant;
import java.util.UUID;

/**
 * The payload of an operational webhook: {@code {"type", "timestamp", "data"}}, {@code data} being one of the records
 * below (README "Operational events"); absent values are {@code null}.
 */
public record OperationalEvent(String type, Instant timestamp, Object data) {

    public static final String ENDPOINT_DISABLED = "chis.endpoint.disabled";
    public static final String ENDPOINT_ENABLED = "chis.endpoint.enabled";
    public static final String MESSAGE_DEAD = "chis.message.dead";
    public static final String RECOVER_DONE = "chis.recover.done";

    /** Why an endpoint was disabled: {@code gone} (it answered 410), {@code failing} (past the window), {@code manual}. */
    public record EndpointDisabled(
            UUID endpointId, String endpointName, String url, String managedBy, String cause, String reason) {}

    public record EndpointEnabled(UUID endpointId, String endpointName, String url, String managedBy) {}

    /** A bulk recovery ({@code POST /webhook/recover}) has re-queued every dead delivery it matched. */
    public record RecoverDone(
            UUID recoveryId, UUID endpointId, Instant since, Instant until, long matched, long requeued) {}

    public record MessageDead(
            UUID messageId,
            String eventType,
            UUID deliveryId,
            UUID endpointId,
            String url,
            int attempts,
            Integer lastStatusCode,
            String error) {}
}
