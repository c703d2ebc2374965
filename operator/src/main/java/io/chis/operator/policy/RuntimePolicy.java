package io.chis.operator.policy;

import io.chis.common.RetrySchedule;
import io.chis.proto.v1.Policy;

/** A DeliveryPolicy as the runtime's admin API takes it, defaults applied: pure mapping. */
public final class RuntimePolicy {
    private RuntimePolicy() {}

    public static Policy of(String name, EffectivePolicy policy) {
        RetrySchedule schedule = policy.schedule();
        return Policy.newBuilder()
                .setName(name)
                .setMaxRetries(schedule.maxRetries())
                .setInitialDelayMs(schedule.initialDelay().toMillis())
                .setMultiplier(schedule.multiplier())
                .setMaxDelayMs(schedule.maxDelay().toMillis())
                .setJitter(schedule.jitter())
                .setTimeoutMs(policy.timeout().toMillis())
                .setRateLimitPerSecond(policy.rateLimitPerSecond().orElse(0)) // 0: unlimited
                .build();
    }
}
