package io.chis.runtime.recovery;

import java.time.Instant;
import java.util.UUID;

/**
 * A bulk recovery: the account's dead deliveries accepted in [{@code since}, {@code until}), of one endpoint or all;
 * {@code matched} were dead when it started, {@code requeued} have gone back to pending so far.
 */
public record Recovery(
        UUID id,
        UUID accountId,
        UUID endpointId,
        Instant since,
        Instant until,
        String status,
        long matched,
        long requeued,
        Instant afterCreatedAt,
        UUID afterId,
        Instant startedAt,
        Instant finishedAt) {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}
