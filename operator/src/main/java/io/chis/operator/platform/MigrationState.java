package io.chis.operator.platform;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

enum MigrationState {
    RUNNING,
    SUCCEEDED,
    FAILED;

    static MigrationState of(Job job) {
        var status = job.getStatus();
        if (status == null) {
            return RUNNING;
        }
        if (Optional.ofNullable(status.getSucceeded()).orElse(0) > 0) {
            return SUCCEEDED;
        }
        boolean failedCondition = status.getConditions() != null
                && status.getConditions().stream()
                        .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
        return failedCondition ? FAILED : RUNNING;
    }
}
