package io.chis.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak detection at PARANOID (every buffer tracked) for the test classes that drive the HTTP paths, and a
 * failure of the class when Netty reports a leaked buffer during it. Not for the whole suite: tracking is slow.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final AppenderBase<ILoggingEvent> COLLECTOR = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)
                    && event.getFormattedMessage().startsWith("LEAK")) {
                // the first line; the access records that follow are in the log
                LEAKS.add(event.getFormattedMessage().lines().findFirst().orElse(""));
            }
        }
    };

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        if (!COLLECTOR.isStarted()) {
            COLLECTOR.setContext(detector.getLoggerContext());
            COLLECTOR.start();
            detector.addAppender(COLLECTOR);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Netty reports a leak when a buffer it tracked is collected unreleased and a later buffer is tracked.
        for (int i = 0; i < 3; i++) {
            System.gc();
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        List<String> found = List.copyOf(LEAKS);
        LEAKS.clear();
        if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        }
        assertThat(found)
                .as(
                        "Netty buffers leaked during %s (their access records are in the log above)",
                        context.getDisplayName())
                .isEmpty();
    }
}
