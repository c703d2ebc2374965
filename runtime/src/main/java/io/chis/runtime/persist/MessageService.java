package io.chis.runtime.persist;

import io.chis.runtime.persist.MessageRepository.Cursor;
import io.chis.runtime.persist.MessageRepository.Submitted;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.support.GroupCommit;
import io.chis.runtime.support.StoreOutage;
import io.chis.runtime.support.TimeOrderedId;
import io.chis.runtime.tracing.Tracing;
import io.grpc.Status;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The delivery role's core, also used by the other roles to emit operational events: a message is committed to PostgreSQL before it is acknowledged, then queued in Redis.
 * A failed enqueue is logged, not returned: the message is safe and the scheduler's sweep queues it again.
 */
@Service
public class MessageService {

    private static final Logger log = LoggerFactory.getLogger(MessageService.class);

    // Past this the api answers anyway: the message is committed and the sweep will queue it.
    private static final java.time.Duration ENQUEUE_TIMEOUT = java.time.Duration.ofSeconds(2);

    static final int QUEUED_SUBMISSIONS = 512;

    /** One destination of a new message. */
    public record Target(String url, UUID endpointId) {}

    private final MessageRepository messages;
    private final WorkQueue queue;
    private final TransactionalOperator tx;
    // Messages without an idempotency key are inserted by group commit: 202 still waits for their own commit.
    private final GroupCommit<MessageRepository.NewMessage, Boolean> inserts;

    public MessageService(MessageRepository messages, WorkQueue queue, TransactionalOperator tx) {
        this.messages = messages;
        this.queue = queue;
        this.tx = tx;
        // at most 4 inserts at once, leaving the pool's other connections to the workers; at most 512 payloads
        // (128 MiB at the largest size) wait in memory while PostgreSQL stalls, the rest are refused at once;
        // in a transaction, so a write cancelled because a caller has gone rolls back instead of committing later
        this.inserts = new GroupCommit<>(
                batch -> messages.insertAll(batch).as(tx::transactional).thenReturn(List.<Boolean>of()),
                256,
                4,
                QUEUED_SUBMISSIONS);
    }

    public Mono<Submitted> submit(
            UUID accountId, String eventType, byte[] payload, String idempotencyKey, List<Target> targets) {
        // the message keeps the trace of the call that sent it, so its attempts join that trace
        return Tracing.on()
                ? Mono.deferContextual(reactor ->
                        submit(accountId, eventType, payload, idempotencyKey, targets, Tracing.traceparent(reactor)))
                : submit(accountId, eventType, payload, idempotencyKey, targets, null);
    }

    private Mono<Submitted> submit(
            UUID accountId,
            String eventType,
            byte[] payload,
            String idempotencyKey,
            List<Target> targets,
            String traceparent) {
        Instant now = TimeOrderedId.truncated(Instant.now());
        var message = new MessageRepository.NewMessage(
                TimeOrderedId.at(now),
                accountId,
                eventType,
                payload,
                targets.stream().map(t -> TimeOrderedId.at(now)).toList(),
                targets.stream().map(Target::url).toList(),
                targets.stream().map(Target::endpointId).toList(),
                now,
                traceparent);
        Submitted accepted = new Submitted(message.id(), message.status(), targets.size(), false);
        // Without an idempotency key the message joins the next group commit; with one, an expired key is freed first.
        Mono<Submitted> stored = idempotencyKey == null
                ? inserts.submit(message)
                        .onErrorMap(
                                GroupCommit.Full.class,
                                full -> Status.RESOURCE_EXHAUSTED
                                        .withDescription(
                                                "too many messages are waiting to be stored; nothing was accepted")
                                        .asRuntimeException())
                        .thenReturn(accepted)
                : messages.expireIdempotencyKey(accountId, idempotencyKey)
                        .then(messages.insert(message, idempotencyKey))
                        .map(id -> accepted)
                        .switchIfEmpty(Mono.defer(() -> messages.findByIdempotencyKey(
                                        accountId, idempotencyKey, message, adHocUrl(targets))
                                .map(existing -> {
                                    if (!existing.sameRequest()) {
                                        // a key names one request: a different body under it is a client bug
                                        throw Status.ALREADY_EXISTS
                                                .withDescription("Idempotency-Key " + idempotencyKey
                                                        + " was used within 24 hours for a different request"
                                                        + " (message "
                                                        + existing.submitted().id() + ")")
                                                .asRuntimeException();
                                    }
                                    return existing.submitted();
                                })))
                        .as(tx::transactional);
        return Tracing.inSpan("chis.commit", stored)
                .flatMap(submitted -> submitted.duplicate()
                        ? Mono.just(submitted)
                        : enqueueAfterCommit(message.deliveryIds()).thenReturn(submitted));
    }

    private static String adHocUrl(List<Target> targets) {
        return targets.size() == 1 && targets.getFirst().endpointId() == null
                ? targets.getFirst().url()
                : null;
    }

    public Mono<MessageRecord> get(UUID accountId, UUID id) {
        return messages.find(accountId, id)
                .switchIfEmpty(Mono.error(() -> Status.NOT_FOUND
                        .withDescription("no message with id " + id)
                        .asRuntimeException()));
    }

    public Mono<List<MessageRecord>> page(UUID accountId, String status, String eventType, Cursor after, int limit) {
        return messages.page(accountId, status, eventType, after, limit);
    }

    public Mono<MessageRecord.Stats> stats(UUID accountId) {
        return messages.stats(accountId);
    }

    /** Re-queues the message's dead-lettered deliveries; the count may be 0 when none is dead. */
    public Mono<Integer> retry(UUID accountId, UUID messageId) {
        return messages.find(accountId, messageId)
                .switchIfEmpty(Mono.error(() -> Status.NOT_FOUND
                        .withDescription("no message with id " + messageId)
                        .asRuntimeException()))
                .flatMap(message -> messages.replayDead(accountId, messageId)
                        .collectList()
                        .flatMap(ids -> messages.refreshStatus(messageId).thenReturn(ids))
                        .as(tx::transactional))
                .flatMap(ids -> enqueueAfterCommit(ids).thenReturn(ids.size()));
    }

    private Mono<Void> enqueueAfterCommit(List<UUID> deliveryIds) {
        return queue.enqueue(deliveryIds).timeout(ENQUEUE_TIMEOUT).onErrorResume(e -> {
            // an outage is logged once by StoreWatch, not once per send
            if (StoreOutage.is(e)) {
                log.debug("Queueing {} deliveries deferred to the sweep: Redis is unreachable", deliveryIds.size());
                return Mono.empty();
            }
            log.warn(
                    "Queueing {} deliveries in Redis failed ({}); they are committed and the sweep will queue them",
                    deliveryIds.size(),
                    e.toString());
            return Mono.empty();
        });
    }
}
