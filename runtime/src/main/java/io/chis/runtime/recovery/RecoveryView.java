package io.chis.runtime.recovery;

import java.time.Instant;
import java.util.UUID;

/** {@code GET /webhook/recover/{id}}: a recovery's progress; {@code finishedAt} is null while it runs. */
public record RecoveryView(
        UUID id,
        String status,
        long matched,
        long requeued,
        Instant since,
        Instant until,
        Instant startedAt,
        Instant finishedAt) {

    static RecoveryView of(Recovery r) {
        return new RecoveryView(
                r.id(), r.status(), r.matched(), r.requeued(), r.since(), r.until(), r.startedAt(), r.finishedAt());
    }

    /** The 202 of {@code POST /webhook/recover}. */
    public record Started(UUID id, String status) {}
}
