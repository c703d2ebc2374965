package io.chis.operator.platform;

import io.chis.common.Role;

/** The status condition that reports each role's Deployment: the operator's part of a role's names. */
final class RoleConditions {
    private RoleConditions() {}

    static String type(Role role) {
        return switch (role) {
            case API -> "ApiAvailable";
            case DELIVERY -> "DeliveryAvailable";
            case WORKER -> "WorkersAvailable";
            case SCHEDULER -> "SchedulerAvailable";
        };
    }
}
