package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** What the {@link Worker} does with the delivery ids it reads: {@link WebhookSender} in the runtime. */
public interface Attempts {

    /** Claims a batch of deliveries at once; the map holds those this worker won. */
    Mono<Map<UUID, Claimed>> claim(List<UUID> deliveryIds);

    /**
     * Makes the delivery's next attempt if {@code claimed} (null when this worker did not win it: a duplicate entry,
     * one already finished, one another worker holds, one that came early). Completes once everything that
     * matters is recorded, so the queue entry may be acknowledged. {@code slot} is the worker slot it holds.
     */
    Mono<Void> attempt(UUID deliveryId, Claimed claimed, Slot slot);

    /**
     * Dead-letters a claimed delivery that cannot be processed (its attempt failed before an outcome could be
     * recorded, time after time), with an attempt record giving {@code reason}.
     */
    Mono<Void> giveUp(Claimed claimed, String reason);
}
