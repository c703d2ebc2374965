package io.chis.operator.policy;

import io.chis.common.Durations;
import io.chis.common.RetrySchedule;
import io.chis.operator.api.DeliveryPolicySpec;
import java.time.Duration;
import java.util.Optional;

/** A DeliveryPolicy with its defaults applied: the shared retry schedule plus what only a policy sets per endpoint. */
public record EffectivePolicy(RetrySchedule schedule, Duration timeout, Optional<Integer> rateLimitPerSecond) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** @throws IllegalArgumentException naming the field when a value is out of range */
    public static EffectivePolicy of(DeliveryPolicySpec spec) {
        DeliveryPolicySpec s = spec == null ? new DeliveryPolicySpec() : spec;
        RetrySchedule schedule = RetrySchedule.withDefaults(
                s.getMaxRetries(),
                duration("initialDelay", s.getInitialDelay()),
                s.getMultiplier(),
                duration("maxDelay", s.getMaxDelay()),
                s.getJitter());
        Duration timeout =
                Optional.ofNullable(duration("timeout", s.getTimeout())).orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be longer than 0");
        }
        if (s.getRateLimitPerSecond() != null && s.getRateLimitPerSecond() < 1) {
            throw new IllegalArgumentException("rateLimitPerSecond must be at least 1");
        }
        return new EffectivePolicy(schedule, timeout, Optional.ofNullable(s.getRateLimitPerSecond()));
    }

    private static Duration duration(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }
}
