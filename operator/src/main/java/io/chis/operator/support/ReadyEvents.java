package io.chis.operator.support;

import io.chis.operator.api.Condition;
import io.chis.operator.api.StatusWithConditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs and records an Event when a resource's Ready condition changes status or reason: Warning when False. */
public final class ReadyEvents {
    private static final Logger log = LoggerFactory.getLogger(ReadyEvents.class);

    private ReadyEvents() {}

    /** @param normalWhenReady also record a Normal Event when it becomes Ready */
    public static void announce(
            EventRecorder events,
            HasMetadata resource,
            StatusWithConditions before,
            StatusWithConditions after,
            boolean normalWhenReady) {
        Condition ready = Conditions.find(after, Conditions.READY).orElseThrow();
        Optional<Condition> was = Conditions.find(before, Conditions.READY);
        if (was.isPresent()
                && ready.getStatus().equals(was.get().getStatus())
                && ready.getReason().equals(was.get().getReason())) {
            return;
        }
        log.info(
                "{} Ready={} {}: {}",
                ChildApplier.describe(resource),
                ready.getStatus(),
                ready.getReason(),
                ready.getMessage());
        if (!ready.isTrue() || normalWhenReady) {
            events.record(
                    resource,
                    ready.isTrue() ? EventRecorder.NORMAL : EventRecorder.WARNING,
                    ready.getReason(),
                    ready.getMessage());
        }
    }
}
