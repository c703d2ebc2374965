package io.chis.runtime.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The endpoint rate limiter's in-process stand-in while Redis is down. */
class LocalPacingTest {

    private static final long MS = 1_000_000;

    @Test
    void slotsAreOneIntervalApartAndASlotBeyondTheMaximumWaitIsNotTaken() {
        long interval = LocalPacing.interval(10); // 100 ms
        assertThat(interval).isEqualTo(100 * MS);
        long now = 5_000 * MS;

        var first = LocalPacing.reserve(null, now, interval, 250 * MS);
        assertThat(first.slot()).isEqualTo(new LocalPacing.Slot(true, Duration.ZERO));
        var second = LocalPacing.reserve(first.nextFree(), now, interval, 250 * MS);
        assertThat(second.slot()).isEqualTo(new LocalPacing.Slot(true, Duration.ofMillis(100)));
        var third = LocalPacing.reserve(second.nextFree(), now, interval, 250 * MS);
        assertThat(third.slot()).isEqualTo(new LocalPacing.Slot(true, Duration.ofMillis(200)));
        var fourth = LocalPacing.reserve(third.nextFree(), now, interval, 250 * MS);
        assertThat(fourth.slot()).isEqualTo(new LocalPacing.Slot(false, Duration.ofMillis(300)));
        assertThat(fourth.nextFree()).as("nothing reserved").isEqualTo(third.nextFree());
    }

    @Test
    void aSlotInThePastStartsAgainFromNow() {
        long now = 5_000 * MS;
        var late = LocalPacing.reserve(now - 10_000 * MS, now, 100 * MS, 250 * MS);
        assertThat(late.slot()).isEqualTo(new LocalPacing.Slot(true, Duration.ZERO));
        assertThat(late.nextFree()).isEqualTo(now + 100 * MS);
    }

    @Test
    void keysArePacedApart() {
        LocalPacing pacing = new LocalPacing(Duration.ofSeconds(1));
        assertThat(pacing.reserve("a", 1).after()).isZero();
        assertThat(pacing.reserve("b", 1).after()).isZero();
        assertThat(pacing.reserve("a", 1).after()).isPositive();
    }
}
