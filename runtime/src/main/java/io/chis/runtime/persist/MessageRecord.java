package io.chis.runtime.persist;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A message as stored, with its deliveries and their attempts (empty lists where not loaded). */
public record MessageRecord(
        UUID id, String eventType, String status, Instant createdAt, List<DeliveryRecord> deliveries) {

    public record DeliveryRecord(
            UUID id,
            UUID messageId,
            String url,
            UUID endpointId,
            String status,
            int attemptCount,
            Instant nextAttemptAt,
            List<AttemptRecord> attempts) {}

    /** {@code responseBody} holds the first bytes of the answer only ({@link MessageRepository#RESPONSE_PREVIEW}). */
    public record AttemptRecord(
            int attempt, Instant at, Integer statusCode, long durationMs, String error, String responseBody) {}

    /** Messages by status, and attempts per minute over the last hour (oldest first, every minute present). */
    public record Stats(Map<String, Long> messages, List<MinuteCount> minutes) {}

    public record MinuteCount(Instant minute, long delivered, long failed) {}
}
