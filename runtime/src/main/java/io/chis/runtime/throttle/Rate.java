package io.chis.runtime.throttle;

import io.chis.common.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * At most {@code count} events per {@code window}, written {@code 10/1m}, {@code 5/30s}, or a bare {@code 100} (per
 * second).
 */
public record Rate(long count, Duration window) {

    public Rate {
        if (count < 1) throw new IllegalArgumentException("a rate needs a count of at least 1");
        if (window.toMillis() < 1) throw new IllegalArgumentException("a rate needs a window of at least 1ms");
    }

    /** @throws IllegalArgumentException saying what is accepted */
    public static Rate parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        int slash = value.indexOf('/');
        try {
            long count =
                    Long.parseLong(slash < 0 ? value : value.substring(0, slash).trim());
            Duration window = slash < 0
                    ? Duration.ofSeconds(1)
                    : Durations.parse(value.substring(slash + 1).trim());
            return new Rate(count, window);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rate like 10/1m, 5/30s or 100 (per second)", e);
        }
    }

    @Override
    public String toString() {
        return count + "/" + Durations.format(window);
    }
}
