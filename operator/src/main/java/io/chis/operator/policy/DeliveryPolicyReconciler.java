package io.chis.operator.policy;

import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.DeliveryPolicyStatus;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.EventRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports a DeliveryPolicy's effective settings and retry schedule in its status. */
@ControllerConfiguration(name = DeliveryPolicyReconciler.NAME, fieldManager = ChildApplier.FIELD_MANAGER)
public class DeliveryPolicyReconciler implements Reconciler<DeliveryPolicy> {
    public static final String NAME = "deliverypolicy";
    private static final Logger log = LoggerFactory.getLogger(DeliveryPolicyReconciler.class);

    @Override
    public UpdateControl<DeliveryPolicy> reconcile(DeliveryPolicy policy, Context<DeliveryPolicy> context) {
        DeliveryPolicyStatus status = status(policy, Instant.now());
        if (Conditions.same(policy.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        Conditions.find(status, Conditions.READY).filter(c -> !c.isTrue()).ifPresent(c -> {
            log.info("{} {}: {}", ChildApplier.describe(policy), c.getReason(), c.getMessage());
            new EventRecorder(context.getClient()).record(policy, EventRecorder.WARNING, c.getReason(), c.getMessage());
        });
        policy.setStatus(status);
        return UpdateControl.patchStatus(policy);
    }

    /** Pure: the status for this policy's spec. */
    public static DeliveryPolicyStatus status(DeliveryPolicy policy, Instant now) {
        DeliveryPolicyStatus status = new DeliveryPolicyStatus();
        long generation = Optional.ofNullable(policy.getMetadata().getGeneration()).orElse(0L);
        status.setObservedGeneration(generation);
        try {
            RetrySchedule schedule = RetrySchedule.of(policy.getSpec());
            status.setSchedule(schedule.describe());
            status.setMaxRetries(schedule.maxRetries());
            status.setInitialDelay(DurationText.format(schedule.initialDelay()));
            status.setMultiplier(schedule.multiplier());
            status.setMaxDelay(DurationText.format(schedule.maxDelay()));
            status.setJitter(schedule.jitter());
            status.setTimeout(DurationText.format(schedule.timeout()));
            status.setConditions(Conditions.merge(policy.getStatus(), List.of(Conditions.condition(Conditions.READY, true,
                    "PolicyValid", (schedule.maxRetries() + 1) + " attempts at most, then dead letter")), generation, now));
        } catch (IllegalArgumentException e) {
            status.setConditions(Conditions.merge(policy.getStatus(), List.of(Conditions.condition(Conditions.READY, false,
                    "InvalidPolicy", e.getMessage())), generation, now));
        }
        return status;
    }
}
