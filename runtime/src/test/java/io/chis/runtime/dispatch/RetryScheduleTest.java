package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.common.RetrySchedule;
import io.chis.runtime.dispatch.AttemptOutcome.Delivered;
import io.chis.runtime.dispatch.AttemptOutcome.Failed;
import io.chis.runtime.dispatch.AttemptOutcome.Rejected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private static final RetrySchedule DEFAULT = RetrySchedule.DEFAULT;
    private static final Failed HTTP_500 = new Failed(500, "HTTP 500", null);

    @Test
    void defaultRetriesAfterOneTwoFourEightSixteenSecondsThenDeadLettersTheSixthFailure() {
        List<Duration> waits = new ArrayList<>();
        NextStep step;
        int failures = 0;
        do {
            step = NextStep.after(DEFAULT, HTTP_500, ++failures, 0.5);
            if (step instanceof NextStep.RetryAfter retry) waits.add(retry.delay());
        } while (step instanceof NextStep.RetryAfter);

        assertThat(waits)
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(16));
        assertThat(step).isInstanceOf(NextStep.DeadLetter.class);
        assertThat(failures).as("attempts in all").isEqualTo(6);
        assertThat(DEFAULT.describe()).isEqualTo("1s,2s,4s,8s,16s");
    }

    @Test
    void successDeliversAtAnyAttempt() {
        assertThat(NextStep.after(DEFAULT, new Delivered(204), 1, 0.5)).isInstanceOf(NextStep.Deliver.class);
        assertThat(NextStep.after(DEFAULT, new Delivered(200), 6, 0.5)).isInstanceOf(NextStep.Deliver.class);
    }

    @Test
    void rejectedOutcomesAreNeverRetried() {
        assertThat(NextStep.after(DEFAULT, new Rejected(410, "gone"), 1, 0.5)).isInstanceOf(NextStep.DeadLetter.class);
        assertThat(NextStep.after(DEFAULT, new Rejected(null, "refused"), 1, 0.5))
                .isInstanceOf(NextStep.DeadLetter.class);
    }

    @Test
    void retryAfterIsHonouredWhenLongerAndCappedByTheMaxDelay() {
        RetrySchedule schedule = new RetrySchedule(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.0);

        assertThat(NextStep.after(schedule, new Failed(429, "HTTP 429", Duration.ofSeconds(7)), 1, 0.5))
                .isEqualTo(new NextStep.RetryAfter(Duration.ofSeconds(7)));
        assertThat(NextStep.after(schedule, new Failed(503, "HTTP 503", Duration.ofHours(2)), 1, 0.5))
                .isEqualTo(new NextStep.RetryAfter(Duration.ofSeconds(30)));
        // A shorter Retry-After does not make the retry earlier than the backoff.
        assertThat(NextStep.after(schedule, new Failed(429, "HTTP 429", Duration.ZERO), 3, 0.5))
                .isEqualTo(new NextStep.RetryAfter(Duration.ofSeconds(4)));
        // Retry-After does not buy extra attempts.
        assertThat(NextStep.after(schedule, new Failed(429, "HTTP 429", Duration.ofSeconds(7)), 6, 0.5))
                .isInstanceOf(NextStep.DeadLetter.class);
    }

    @Test
    void policyParametersShapeTheSchedule() {
        RetrySchedule policy = new RetrySchedule(4, Duration.ofMillis(500), 3.0, Duration.ofSeconds(10), 0.0);
        assertThat(policy.describe()).isEqualTo("500ms,1500ms,4500ms,10s");
        assertThat(NextStep.after(policy, HTTP_500, 5, 0.5)).isInstanceOf(NextStep.DeadLetter.class);

        RetrySchedule none = new RetrySchedule(0, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1), 0.0);
        assertThat(NextStep.after(none, HTTP_500, 1, 0.5)).isInstanceOf(NextStep.DeadLetter.class);
    }

    @Test
    void jitterSpreadsEachDelayWithinItsFraction() {
        RetrySchedule jittery = new RetrySchedule(5, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10), 0.2);
        assertThat(jittery.delayBeforeRetry(1, 0.0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(jittery.delayBeforeRetry(1, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(jittery.delayBeforeRetry(1, 0.999)).isBetween(Duration.ofMillis(11_990), Duration.ofSeconds(12));
        // Never past the cap, even with jitter.
        RetrySchedule capped = new RetrySchedule(5, Duration.ofSeconds(10), 2.0, Duration.ofSeconds(15), 0.5);
        assertThat(capped.delayBeforeRetry(3, 0.999)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetrySchedule(-1, Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 0))
                .hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> new RetrySchedule(1, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetrySchedule(1, Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0))
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> new RetrySchedule(1, Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.5))
                .hasMessageContaining("jitter");
        assertThat(new RetrySchedule(1, Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.0).delayBeforeRetry(1, 0.0))
                .as("full jitter, as a DeliveryPolicy allows, may retry at once")
                .isZero();
    }
}
