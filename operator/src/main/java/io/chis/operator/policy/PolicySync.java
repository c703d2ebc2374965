package io.chis.operator.policy;

import io.chis.operator.admin.SyncProblem;

/**
 * How applying a DeliveryPolicy into one WebhookPlatform went.
 *
 * @param schedule the runtime's retry schedule for it; null when it failed
 * @param problem  why it failed; null when it was applied
 */
public record PolicySync(String platform, String schedule, SyncProblem problem) {
    public static PolicySync applied(String platform, String schedule) {
        return new PolicySync(platform, schedule, null);
    }

    public static PolicySync failed(String platform, SyncProblem problem) {
        return new PolicySync(platform, null, problem);
    }
}
