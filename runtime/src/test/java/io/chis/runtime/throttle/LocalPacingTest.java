package io.chis.runtime.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The endpoint rate limiter's in-process stand-in while Redis is down, and its log of the switch. */
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

    @Test
    void theFallbackIsLoggedOnceWhenItBeginsAndOnceWhenRedisIsBack() throws IOException {
        Logger logger = (Logger) LoggerFactory.getLogger("test.fallback");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        RedisFallback fallback = new RedisFallback(logger, "Limits");

        fallback.shared();
        for (int i = 0; i < 100; i++) fallback.fellBack(new IOException("refused"));
        assertThat(fallback.local()).isTrue();
        for (int i = 0; i < 100; i++) fallback.shared();
        assertThat(fallback.local()).isFalse();

        assertThat(logged.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "Limits counted in this process only while Redis does not answer (java.io.IOException: refused)",
                        "Limits shared in Redis again");
    }
}
