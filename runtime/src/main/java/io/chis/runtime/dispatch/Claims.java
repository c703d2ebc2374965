package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.queue.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** A worker's hold on deliveries: taking them for an attempt, and giving back those not attempted now. */
public class Claims {

    private final DeliveryRepository deliveries;
    private final MessageRepository messages;
    private final TransactionalOperator tx;
    private final WorkQueue queue;
    private final Duration lease;

    public Claims(
            DeliveryRepository deliveries,
            MessageRepository messages,
            TransactionalOperator tx,
            WorkQueue queue,
            Duration lease) {
        this.deliveries = deliveries;
        this.messages = messages;
        this.tx = tx;
        this.queue = queue;
        this.lease = lease;
    }

    /** Claims a batch of deliveries at once (see {@link DeliveryRepository#claim}); the map holds those won. */
    Mono<Map<UUID, Claimed>> claim(List<UUID> deliveryIds) {
        return deliveries.claim(deliveryIds, lease).collectMap(Claimed::id);
    }

    /**
     * A delivery this worker did not win is left alone, unless it came early: then it goes back to the queue for
     * its due time.
     */
    Mono<Void> requeueIfEarly(UUID deliveryId) {
        return deliveries.dueLater(deliveryId).flatMap(due -> queue.schedule(deliveryId, due));
    }

    /**
     * Gives back a delivery not attempted now (its endpoint's rate or its host's cap), due after {@code delay},
     * without counting an attempt.
     */
    Mono<Void> putBack(Claimed delivery, Duration delay) {
        return deliveries
                .release(delivery, delay)
                .flatMap(due -> messages.refreshStatus(delivery.messageId()).thenReturn(due))
                .as(tx::transactional)
                .flatMap(due -> queue.schedule(delivery.id(), due).onErrorResume(e -> Mono.empty()));
    }
}
