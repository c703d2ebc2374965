package io.chis.runtime.delivery;

import io.chis.runtime.delivery.AttemptOutcome.Delivered;
import io.chis.runtime.delivery.AttemptOutcome.Failed;
import io.chis.runtime.delivery.AttemptOutcome.Rejected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When to try a delivery again. The first attempt is immediate; after the n-th failure the next attempt waits
 * {@code initialDelay * multiplier^(n-1)}, capped at {@code maxDelay} and spread by ± {@code jitter}; once
 * {@code maxRetries} retries have failed the delivery is dead. A DeliveryPolicy supplies other values.
 *
 * @param jitter a fraction in [0, 1] (DeliveryPolicy's range): 0.1 spreads each delay uniformly over ±10 %
 */
public record RetrySchedule(int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

    /** The seed's schedule: retries after 1, 2, 4, 8 and 16 s, so 6 attempts in all. */
    public static final RetrySchedule DEFAULT =
            new RetrySchedule(5, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(10), 0.0);

    public RetrySchedule {
        if (maxRetries < 0) throw new IllegalArgumentException("maxRetries must be 0 or more");
        if (initialDelay.isNegative()) throw new IllegalArgumentException("initialDelay must not be negative");
        if (multiplier < 1.0) throw new IllegalArgumentException("multiplier must be at least 1");
        if (maxDelay.compareTo(initialDelay) < 0) throw new IllegalArgumentException("maxDelay must be at least initialDelay");
        if (jitter < 0.0 || jitter > 1.0) throw new IllegalArgumentException("jitter must be between 0 and 1");
    }

    /** What happens to a delivery after an attempt. */
    public sealed interface NextStep {
        record Deliver() implements NextStep {}

        record RetryAfter(Duration delay) implements NextStep {}

        record DeadLetter() implements NextStep {}
    }

    /**
     * Decides the next step after an attempt.
     *
     * @param failures failed attempts since the schedule (re)started, this one included
     * @param random   a uniform value in [0, 1) for the jitter, passed in to keep this a function
     */
    public NextStep after(AttemptOutcome outcome, int failures, double random) {
        return switch (outcome) {
            case Delivered d -> new NextStep.Deliver();
            case Rejected r -> new NextStep.DeadLetter();
            case Failed f -> {
                if (failures > maxRetries) yield new NextStep.DeadLetter();
                Duration delay = delayBeforeRetry(failures, random);
                // The receiver's Retry-After wins when it asks for longer, but never past the policy's cap.
                if (f.retryAfter() != null && f.retryAfter().compareTo(delay) > 0) {
                    delay = min(f.retryAfter(), maxDelay);
                }
                yield new NextStep.RetryAfter(delay);
            }
        };
    }

    /** The wait before retry number {@code retry} (1-based). */
    public Duration delayBeforeRetry(int retry, double random) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, retry - 1);
        millis = Math.min(millis, maxDelay.toMillis());
        millis = millis * (1.0 + jitter * (2.0 * random - 1.0));
        return min(Duration.ofMillis(Math.max(0, Math.round(millis))), maxDelay);
    }

    /** The waits without jitter, e.g. {@code 1s,2s,4s,8s,16s}, for status and docs. */
    public String describe() {
        List<String> delays = new ArrayList<>();
        for (int retry = 1; retry <= maxRetries; retry++) {
            Duration delay = new RetrySchedule(maxRetries, initialDelay, multiplier, maxDelay, 0.0).delayBeforeRetry(retry, 0.5);
            delays.add(delay.toMillis() % 1000 == 0 ? delay.toSeconds() + "s" : delay.toMillis() + "ms");
        }
        return String.join(",", delays);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
