package io.chis.operator.policy;

import io.chis.operator.api.DeliveryPolicySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A DeliveryPolicy with its defaults applied (the seed's schedule: 5 retries from 1 s, doubling, capped at 1 h)
 * and the delays it produces before each retry, jitter left out.
 */
public record RetrySchedule(int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay, double jitter,
                            Duration timeout, Optional<Integer> rateLimitPerSecond) {

    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** @throws IllegalArgumentException naming the field when a value is out of range */
    public static RetrySchedule of(DeliveryPolicySpec spec) {
        DeliveryPolicySpec s = spec == null ? new DeliveryPolicySpec() : spec;
        int maxRetries = Optional.ofNullable(s.getMaxRetries()).orElse(DEFAULT_MAX_RETRIES);
        Duration initial = s.getInitialDelay() == null ? DEFAULT_INITIAL_DELAY : field("initialDelay", s.getInitialDelay());
        double multiplier = Optional.ofNullable(s.getMultiplier()).orElse(DEFAULT_MULTIPLIER);
        Duration max = s.getMaxDelay() == null ? DEFAULT_MAX_DELAY : field("maxDelay", s.getMaxDelay());
        double jitter = Optional.ofNullable(s.getJitter()).orElse(0.0);
        Duration timeout = s.getTimeout() == null ? DEFAULT_TIMEOUT : field("timeout", s.getTimeout());
        if (maxRetries < 0 || maxRetries > 100) {
            throw new IllegalArgumentException("maxRetries must be between 0 and 100, not " + maxRetries);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1.0, not " + multiplier);
        }
        if (jitter < 0.0 || jitter > 1.0) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, not " + jitter);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("maxDelay " + s.getMaxDelay() + " is shorter than initialDelay " + s.getInitialDelay());
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be longer than 0");
        }
        if (s.getRateLimitPerSecond() != null && s.getRateLimitPerSecond() < 1) {
            throw new IllegalArgumentException("rateLimitPerSecond must be at least 1");
        }
        return new RetrySchedule(maxRetries, initial, multiplier, max, jitter, timeout, Optional.ofNullable(s.getRateLimitPerSecond()));
    }

    /** Delay before retry n (0-based): initialDelay * multiplier^n, never above maxDelay. */
    public List<Duration> delays() {
        List<Duration> delays = new ArrayList<>();
        double millis = initialDelay.toMillis();
        for (int retry = 0; retry < maxRetries; retry++) {
            long capped = (long) Math.min(millis, maxDelay.toMillis());
            delays.add(Duration.ofMillis(capped));
            millis = Math.min(millis * multiplier, maxDelay.toMillis());
        }
        return delays;
    }

    /** E.g. {@code 1s,2s,4s,8s,16s}; {@code none} without retries. */
    public String describe() {
        List<Duration> delays = delays();
        return delays.isEmpty() ? "none" : delays.stream().map(DurationText::format).collect(Collectors.joining(","));
    }

    private static Duration field(String name, String text) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }
}
