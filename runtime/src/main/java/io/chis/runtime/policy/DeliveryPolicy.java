package io.chis.runtime.policy;

import io.chis.common.RetrySchedule;
import java.time.Duration;

/**
 * How deliveries to an endpoint are retried and paced: the retry schedule, the per-attempt timeout and a rate
 * limit shared by all workers (0 = none).
 */
public record DeliveryPolicy(String name, RetrySchedule schedule, Duration timeout, double rateLimitPerSecond) {

    public static final String DEFAULT_NAME = "default";

    public DeliveryPolicy {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (rateLimitPerSecond < 0) throw new IllegalArgumentException("rate limit must not be negative");
    }

    /** The built-in policy: the seed's schedule (1, 2, 4, 8, 16 s), the given timeout, no rate limit. */
    public static DeliveryPolicy defaults(Duration timeout) {
        return new DeliveryPolicy(DEFAULT_NAME, RetrySchedule.DEFAULT, timeout, 0);
    }
}
