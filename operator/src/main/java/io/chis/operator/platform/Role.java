package io.chis.operator.platform;

/** The runtime's roles, each run as its own Deployment with {@code CHIS_ROLES=<role>}. */
public enum Role {
    API("api", "ApiAvailable"),
    DELIVERY("delivery", "DeliveryAvailable"),
    WORKER("worker", "WorkersAvailable"),
    SCHEDULER("scheduler", "SchedulerAvailable");

    private final String id;
    private final String conditionType;

    Role(String id, String conditionType) {
        this.id = id;
        this.conditionType = conditionType;
    }

    /** Value of CHIS_ROLES and the component label. */
    public String id() {
        return id;
    }

    /** The status condition that reports this role's Deployment. */
    public String conditionType() {
        return conditionType;
    }
}
