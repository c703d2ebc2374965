package io.chis.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void defaultIsTheSeedsOneTwoFourEightSixteenSecondsThenDead() {
        assertThat(RetrySchedule.DEFAULT.describe()).isEqualTo("1s,2s,4s,8s,16s");
        assertThat(RetrySchedule.DEFAULT.maxDelay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(RetrySchedule.DEFAULT.exhausted(5)).isFalse();
        assertThat(RetrySchedule.DEFAULT.exhausted(6))
                .as("the 6th failure is the last")
                .isTrue();
    }

    @Test
    void describeUsesTheOneDurationFormatWhateverTheUnit() {
        RetrySchedule minutes = new RetrySchedule(4, Duration.ofSeconds(30), 2.0, Duration.ofMinutes(2), 0.3);
        assertThat(minutes.describe())
                .as("jitter left out, 120 s printed as 2m")
                .isEqualTo("30s,1m,2m,2m");
        assertThat(new RetrySchedule(2, Duration.ofMillis(300), 2.0, Duration.ofSeconds(1), 0).describe())
                .isEqualTo("300ms,600ms");
        assertThat(new RetrySchedule(0, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1), 0).describe())
                .isEqualTo("none");
    }

    @Test
    void jitterSpreadsEachDelayWithinItsFractionAndNeverPastTheCap() {
        RetrySchedule schedule = new RetrySchedule(5, Duration.ofSeconds(10), 2.0, Duration.ofSeconds(25), 0.5);
        assertThat(schedule.delayBeforeRetry(1, 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(schedule.delayBeforeRetry(1, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(schedule.delayBeforeRetry(1, 0.999)).isBetween(Duration.ofMillis(14_900), Duration.ofSeconds(15));
        assertThat(schedule.delayBeforeRetry(3, 0.999)).isEqualTo(Duration.ofSeconds(25));
        assertThat(schedule.atMostMaxDelay(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void withDefaultsKeepsWhatIsNotGiven() {
        RetrySchedule schedule = RetrySchedule.withDefaults(3, null, 3.0, null, null);
        assertThat(schedule.describe()).isEqualTo("1s,3s,9s");
        assertThat(schedule.maxDelay()).isEqualTo(RetrySchedule.DEFAULT.maxDelay());
    }

    @Test
    void outOfRangeValuesNameTheirField() {
        assertThatThrownBy(() -> RetrySchedule.withDefaults(101, null, null, null, null))
                .hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> RetrySchedule.withDefaults(null, null, 0.5, null, null))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetrySchedule.withDefaults(null, null, null, null, 1.5))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() ->
                        RetrySchedule.withDefaults(null, Duration.ofMinutes(5), null, Duration.ofMinutes(1), null))
                .hasMessage("maxDelay 1m is shorter than initialDelay 5m");
    }
}
