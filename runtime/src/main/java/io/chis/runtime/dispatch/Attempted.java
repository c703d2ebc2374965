package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.AttemptRecord;
import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import java.time.Instant;

/** A finished attempt, before it is recorded: what {@link OutcomeHandler} judges and records. */
record Attempted(
        Claimed delivery, Target target, Instant at, long durationMs, AttemptOutcome outcome, String responseBody) {

    AttemptRecord record() {
        return new AttemptRecord(at, outcome.statusCode(), durationMs, outcome.error(), responseBody);
    }
}
