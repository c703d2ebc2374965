package io.chis.runtime.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A store outage is logged once when it begins and once when it ends, however many tries fail meanwhile. */
class OutageLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("test.outage");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final AtomicLong now = new AtomicLong();
    private final OutageLog outage =
            new OutageLog(logger, "Worker cannot read the queue", "Worker reads the queue again", now::get);

    {
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(Level.DEBUG);
    }

    @Test
    void oneWarningWhenItStartsFailingDebugMeanwhileOneInfoWhenItWorksAgain() {
        outage.succeeded();
        assertThat(logged.list).as("working all along: nothing to say").isEmpty();

        for (int i = 0; i < 100; i++) outage.failed(new IOException("refused"));
        assertThat(outage.failing()).isTrue();
        now.addAndGet(Duration.ofSeconds(12).toNanos());
        for (int i = 0; i < 100; i++) outage.succeeded();
        assertThat(outage.failing()).isFalse();

        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.DEBUG).hasSize(99);
        assertThat(logged.list)
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
                .containsExactly(
                        "WARN Worker cannot read the queue (java.io.IOException: refused)",
                        "INFO Worker reads the queue again after 12 s");
    }

    @Test
    void aSecondOutageIsLoggedAfresh() {
        outage.failed(new IOException("first"));
        outage.succeeded();
        outage.failed(new IOException("second"));
        assertThat(logged.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "Worker cannot read the queue (java.io.IOException: first)",
                        "Worker cannot read the queue (java.io.IOException: second)");
    }
}
