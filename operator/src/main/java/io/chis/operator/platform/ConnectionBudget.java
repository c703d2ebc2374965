package io.chis.operator.platform;

import io.chis.common.Role;
import java.util.Map;

/**
 * Splits a PostgreSQL's max_connections among the runtime processes so that the pools of all replicas of all roles
 * together stay under it, even while a rolling update runs old and new pods side by side. Each role has a fixed
 * share, so scaling one role never changes (and so never restarts) another role's pods.
 */
public final class ConnectionBudget {
    /** Kept free: superuser_reserved_connections (3), the migration Job's connections, a human's psql session. */
    public static final int HEADROOM = 10;
    /** The runtime's own default; a larger pool brings no throughput on a small PostgreSQL. */
    public static final int MAX_POOL = 10;
    /** Below this a process cannot overlap a claim with a write; the README says to raise max_connections instead. */
    public static final int MIN_POOL = 2;
    /** Tenths of the budget per role: the scheduler's periodic work needs few connections. */
    static final Map<Role, Integer> SHARE = Map.of(Role.API, 3, Role.DELIVERY, 3, Role.WORKER, 3, Role.SCHEDULER, 1);

    private ConnectionBudget() {}

    public static int poolSize(int maxConnections, Role role, int replicas) {
        int processes = replicas + surge(replicas);
        if (processes == 0) {
            return MAX_POOL;
        }
        int share = (maxConnections - HEADROOM) * SHARE.get(role) / 10 / processes;
        return Math.max(MIN_POOL, Math.min(MAX_POOL, share));
    }

    /** Extra pods a Deployment's rolling update starts beside the old ones (the default maxSurge, 25% rounded up). */
    static int surge(int replicas) {
        return (replicas + 3) / 4;
    }
}
