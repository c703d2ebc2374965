package io.chis.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * When to try a delivery again. The first attempt is immediate; before retry n (1-based) a delivery waits
 * {@code initialDelay * multiplier^(n-1)}, capped at {@code maxDelay} and spread by ± {@code jitter}; once
 * {@code maxRetries} retries have failed it is dead. A DeliveryPolicy supplies other values.
 *
 * @param jitter a fraction in [0, 1]: 0.1 spreads each delay uniformly over ±10 %
 */
public record RetrySchedule(
        int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

    public static final int MAX_RETRIES_LIMIT = 100;

    /** The seed's schedule: retries after 1, 2, 4, 8 and 16 s (6 attempts in all), never more than 10 min apart. */
    public static final RetrySchedule DEFAULT =
            new RetrySchedule(5, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(10), 0.0);

    /** @throws IllegalArgumentException naming the field when a value is out of range */
    public RetrySchedule {
        if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
            throw new IllegalArgumentException(
                    "maxRetries must be between 0 and " + MAX_RETRIES_LIMIT + ", not " + maxRetries);
        }
        if (initialDelay.isNegative()) throw new IllegalArgumentException("initialDelay must not be negative");
        if (multiplier < 1.0) throw new IllegalArgumentException("multiplier must be at least 1.0, not " + multiplier);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + Durations.format(maxDelay)
                    + " is shorter than initialDelay " + Durations.format(initialDelay));
        }
        if (jitter < 0.0 || jitter > 1.0)
            throw new IllegalArgumentException("jitter must be between 0 and 1, not " + jitter);
    }

    /** The default schedule with the given values in place of its own; {@code null} keeps the default. */
    public static RetrySchedule withDefaults(
            Integer maxRetries, Duration initialDelay, Double multiplier, Duration maxDelay, Double jitter) {
        return new RetrySchedule(
                maxRetries == null ? DEFAULT.maxRetries : maxRetries,
                initialDelay == null ? DEFAULT.initialDelay : initialDelay,
                multiplier == null ? DEFAULT.multiplier : multiplier,
                maxDelay == null ? DEFAULT.maxDelay : maxDelay,
                jitter == null ? DEFAULT.jitter : jitter);
    }

    /** Whether a delivery that has failed {@code failures} times (since the schedule started) has no retry left. */
    public boolean exhausted(int failures) {
        return failures > maxRetries;
    }

    /**
     * The wait before retry number {@code retry} (1-based).
     *
     * @param random a uniform value in [0, 1) for the jitter, passed in to keep this a function
     */
    public Duration delayBeforeRetry(int retry, double random) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, retry - 1);
        millis = Math.min(millis, maxDelay.toMillis());
        millis = millis * (1.0 + jitter * (2.0 * random - 1.0));
        return atMostMaxDelay(Duration.ofMillis(Math.max(0, Math.round(millis))));
    }

    /** A wait the receiver asked for (Retry-After), never past the cap. */
    public Duration atMostMaxDelay(Duration delay) {
        return delay.compareTo(maxDelay) <= 0 ? delay : maxDelay;
    }

    /** The waits before each retry, jitter left out. */
    public List<Duration> delays() {
        RetrySchedule steady = new RetrySchedule(maxRetries, initialDelay, multiplier, maxDelay, 0.0);
        List<Duration> delays = new ArrayList<>();
        for (int retry = 1; retry <= maxRetries; retry++) delays.add(steady.delayBeforeRetry(retry, 0.5));
        return delays;
    }

    /** The waits for status and docs, e.g. {@code 1s,2s,4s,8s,16s} or {@code 30s,1m,2m}; {@code none} without retries. */
    public String describe() {
        List<Duration> delays = delays();
        return delays.isEmpty()
                ? "none"
                : delays.stream().map(Durations::format).collect(Collectors.joining(","));
    }
}
