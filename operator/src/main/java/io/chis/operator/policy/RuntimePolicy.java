package io.chis.operator.policy;

import io.chis.proto.v1.Policy;

/** A DeliveryPolicy as the runtime's admin API takes it, defaults applied: pure mapping. */
public final class RuntimePolicy {
    private RuntimePolicy() {
    }

    public static Policy of(String name, RetrySchedule schedule) {
        return Policy.newBuilder()
                .setName(name)
                .setMaxRetries(schedule.maxRetries())
                .setInitialDelayMs(schedule.initialDelay().toMillis())
                .setMultiplier(schedule.multiplier())
                .setMaxDelayMs(schedule.maxDelay().toMillis())
                .setJitter(schedule.jitter())
                .setTimeoutMs(schedule.timeout().toMillis())
                .setRateLimitPerSecond(schedule.rateLimitPerSecond().orElse(0)) // 0: unlimited
                .build();
    }
}
