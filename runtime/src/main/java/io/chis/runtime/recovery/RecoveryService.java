package io.chis.runtime.recovery;

import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.recovery.RecoveryRepository.Requeued;
import io.chis.runtime.support.ApiException;
import io.r2dbc.spi.R2dbcNonTransientException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Bulk recovery: a start is recorded at once (the api answers 202), then a scheduler re-queues the window batch by
 * batch, each batch one transaction that also moves the recovery's position, so a restart resumes where it was.
 */
@Service
public class RecoveryService {

    /** One batch: its deliveries are re-queued and their messages' statuses refreshed in one transaction. */
    public record Batch(Recovery recovery, List<Requeued> requeued) {}

    private final RecoveryRepository recoveries;
    private final EndpointRepository endpoints;
    private final MessageRepository messages;
    private final TransactionalOperator tx;

    public RecoveryService(
            RecoveryRepository recoveries,
            EndpointRepository endpoints,
            MessageRepository messages,
            TransactionalOperator tx) {
        this.recoveries = recoveries;
        this.endpoints = endpoints;
        this.messages = messages;
        this.tx = tx;
    }

    /** Starts a recovery; 404 for another account's endpoint, 409 when a running one overlaps it. */
    public Mono<Recovery> start(UUID accountId, UUID endpointId, Instant since, Instant until) {
        Mono<Void> endpointExists = endpointId == null
                ? Mono.empty()
                : endpoints
                        .find(accountId, endpointId)
                        .switchIfEmpty(Mono.error(() -> ApiException.notFound("no endpoint with id " + endpointId)))
                        .then();
        return endpointExists.then(recoveries
                .lockAccount(accountId)
                .then(recoveries.overlapping(accountId, endpointId, since, until))
                .flatMap(running -> Mono.<Recovery>error(ApiException.conflict("recovery " + running
                        + " is still running over an overlapping window; wait for it"
                        + " (GET /webhook/recover/" + running + ") or choose a window that does not overlap")))
                .switchIfEmpty(Mono.defer(() -> recoveries.insert(accountId, endpointId, since, until)))
                .as(tx::transactional));
    }

    public Mono<Recovery> find(UUID accountId, UUID id) {
        return recoveries
                .find(accountId, id)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no recovery with id " + id)));
    }

    /**
     * Re-queues the next batch of the oldest running recovery; empty when none is running (or free). An error that
     * will not go away by itself (not a lost connection) fails the recovery rather than every tick after.
     */
    public Mono<Batch> nextBatch(int size) {
        AtomicReference<UUID> current = new AtomicReference<>();
        return recoveries
                .lockNextRunning()
                .doOnNext(recovery -> current.set(recovery.id()))
                .flatMap(recovery -> recoveries
                        .requeueBatch(recovery, size)
                        .collectList()
                        .flatMap(requeued -> messages.refreshStatuses(requeued.stream()
                                        .map(Requeued::messageId)
                                        .distinct()
                                        .toList())
                                .then(recoveries.advance(
                                        recovery,
                                        requeued.stream().map(Requeued::id).toList(),
                                        requeued.size() < size))
                                .thenReturn(new Batch(recovery, requeued))))
                .as(tx::transactional)
                .onErrorResume(
                        R2dbcNonTransientException.class,
                        e -> current.get() == null
                                ? Mono.error(e)
                                : recoveries.fail(current.get(), e.getMessage()).then(Mono.error(e)));
    }

    public Mono<Void> fail(UUID id, String error) {
        return recoveries.fail(id, error);
    }
}
