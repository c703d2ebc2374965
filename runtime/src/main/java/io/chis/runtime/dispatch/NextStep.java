package io.chis.runtime.dispatch;

import io.chis.common.RetrySchedule;
import io.chis.runtime.dispatch.AttemptOutcome.Delivered;
import io.chis.runtime.dispatch.AttemptOutcome.Failed;
import io.chis.runtime.dispatch.AttemptOutcome.Rejected;
import java.time.Duration;

/** What happens to a delivery after an attempt: the outcome judged against its policy's retry schedule. */
public sealed interface NextStep {

    record Deliver() implements NextStep {}

    record RetryAfter(Duration delay) implements NextStep {}

    record DeadLetter() implements NextStep {}

    /**
     * @param failures failed attempts since the schedule (re)started, this one included
     * @param random   a uniform value in [0, 1) for the jitter, passed in to keep this a function
     */
    static NextStep after(RetrySchedule schedule, AttemptOutcome outcome, int failures, double random) {
        return switch (outcome) {
            case Delivered d -> new Deliver();
            case Rejected r -> new DeadLetter();
            case Failed f -> {
                if (schedule.exhausted(failures)) yield new DeadLetter();
                Duration delay = schedule.delayBeforeRetry(failures, random);
                // The receiver's Retry-After wins when it asks for longer, but never past the policy's cap.
                if (f.retryAfter() != null && f.retryAfter().compareTo(delay) > 0)
                    delay = schedule.atMostMaxDelay(f.retryAfter());
                yield new RetryAfter(delay);
            }
        };
    }
}
