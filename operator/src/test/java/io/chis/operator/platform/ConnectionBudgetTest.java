package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {
    @Test
    void theSumOfAllPoolsDuringARolloutStaysUnderMaxConnectionsWithHeadroom() {
        for (int max : List.of(50, 100, 200, 500)) {
            for (int replicas : List.of(1, 2, 3, 4, 8)) {
                Map<Role, Integer> counts =
                        Map.of(Role.API, replicas, Role.DELIVERY, 1, Role.WORKER, replicas * 2, Role.SCHEDULER, 1);
                int sum = 0;
                boolean floored = false;
                for (var role : counts.entrySet()) {
                    int pool = ConnectionBudget.poolSize(max, role.getKey(), role.getValue());
                    assertThat(pool).isBetween(ConnectionBudget.MIN_POOL, ConnectionBudget.MAX_POOL);
                    floored |= pool == ConnectionBudget.MIN_POOL;
                    sum += pool * (role.getValue() + ConnectionBudget.surge(role.getValue()));
                }
                if (!floored) {
                    assertThat(sum).as("max %d, %s", max, counts).isLessThanOrEqualTo(max - ConnectionBudget.HEADROOM);
                }
            }
        }
    }

    @Test
    void defaultsGiveTheRuntimesOwnPoolAndCrowdsASmallerOne() {
        assertThat(ConnectionBudget.poolSize(100, Role.API, 1)).as("27 / 2").isEqualTo(10);
        assertThat(ConnectionBudget.poolSize(100, Role.SCHEDULER, 1))
                .as("9 / 2")
                .isEqualTo(4);
        assertThat(ConnectionBudget.poolSize(100, Role.WORKER, 3)).as("27 / 4").isEqualTo(6);
        assertThat(ConnectionBudget.poolSize(100, Role.WORKER, 20)).as("floor").isEqualTo(ConnectionBudget.MIN_POOL);
        assertThat(ConnectionBudget.surge(1)).isEqualTo(1);
        assertThat(ConnectionBudget.surge(4)).isEqualTo(1);
        assertThat(ConnectionBudget.surge(5)).isEqualTo(2);
    }
}
