package io.chis.runtime.persist;

import java.time.Instant;
import java.util.List;
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

    public record AttemptRecord(int attempt, Instant at, Integer statusCode, long durationMs, String error) {}
}
