package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.operational.OperationalEvents;
import io.chis.runtime.persist.MessageStatus;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.support.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Records a finished attempt and takes the {@link NextStep} its outcome leads to under the delivery's policy:
 * delivered, a retry queued for later, or dead-lettered. Everything is in PostgreSQL before the returned Mono
 * completes (a retry's queue entry is only the fast path: the sweep finds it without).
 */
public class OutcomeHandler {

    private static final Logger log = LoggerFactory.getLogger(OutcomeHandler.class);
    // about a lease at the default timeouts; past it another worker may have taken the delivery over
    private static final Duration RECORD_RETRY_WITHIN = Duration.ofSeconds(45);

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final WorkQueue queue;
    private final OperationalEvents operational;
    private final DeliverySummary summary;

    private final Counter succeeded;
    private final Counter failed;
    private final Counter died;
    private final DistributionSummary duration;

    public OutcomeHandler(
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            WorkQueue queue,
            DeliverySummary summary,
            OperationalEvents operational,
            MeterRegistry registry) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.queue = queue;
        this.operational = operational;
        this.summary = summary;
        this.succeeded = delivered(registry, "success");
        this.failed = delivered(registry, "failed");
        this.died = delivered(registry, "dead");
        this.duration = DistributionSummary.builder("webhook.delivery.duration")
                .description("Duration of webhook HTTP attempts, connect to response body")
                .baseUnit("ms")
                .serviceLevelObjectives(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
                .register(registry);
    }

    private static Counter delivered(MeterRegistry registry, String status) {
        return Counter.builder("webhooks.delivered")
                .description("Webhook attempts by result: success, failed (will retry) or dead (dead-lettered)")
                .tag("status", status)
                .register(registry);
    }

    Mono<Void> handle(Attempted attempt) {
        NextStep step = NextStep.after(
                attempt.target().policy().schedule(),
                attempt.outcome(),
                attempt.delivery().attemptsSinceReplay(),
                ThreadLocalRandom.current().nextDouble());
        if (log.isDebugEnabled()) {
            Claimed delivery = attempt.delivery();
            log.debug(
                    "Delivery {} to {} attempt {}: {} in {} ms, next: {}",
                    delivery.id(),
                    DeliverySummary.destination(delivery.url(), attempt.target().endpointId()),
                    delivery.attemptCount() + 1,
                    attempt.outcome().error() == null
                            ? "HTTP " + attempt.outcome().statusCode()
                            : attempt.outcome().error(),
                    attempt.durationMs(),
                    step);
        }
        return switch (step) {
            case NextStep.Deliver deliver -> delivered(attempt);
            case NextStep.RetryAfter retry -> retry(attempt, retry.delay());
            case NextStep.DeadLetter deadLetter -> deadLetter(attempt);
        };
    }

    private Mono<Void> delivered(Attempted attempt) {
        return record(attempt, MessageStatus.DELIVERED, null)
                .doOnNext(next -> {
                    count(succeeded, attempt);
                    summary.delivered();
                })
                .flatMap(next -> queueNextInLine(attempt.delivery()));
    }

    private Mono<Void> retry(Attempted attempt, Duration delay) {
        Claimed delivery = attempt.delivery();
        return record(attempt, MessageStatus.RETRYING, delay).flatMap(next -> {
            count(failed, attempt);
            summary.failed();
            log.info(DeliverySummary.failedAttempt(
                    delivery.id(),
                    delivery.url(),
                    attempt.target().endpointId(),
                    delivery.attemptCount() + 1,
                    attempt.outcome().error(),
                    delay,
                    next));
            // If this fails the retry is still in PostgreSQL, and the sweep queues it once it is overdue.
            return queue.schedule(delivery.id(), next).onErrorResume(e -> {
                log.warn(
                        "Scheduling the retry of delivery {} in the queue failed ({}); the sweep will queue it",
                        delivery.id(),
                        e.toString());
                return Mono.empty();
            });
        });
    }

    private Mono<Void> deadLetter(Attempted attempt) {
        Claimed delivery = attempt.delivery();
        Mono<Instant> recorded = record(attempt, MessageStatus.DEAD, null);
        // 410 Gone from an endpoint disables it: the receiver said it no longer wants these webhooks (should this
        // write fail, the endpoint's next delivery meets the 410 again and disables it then)
        if (attempt.target().endpointId() != null
                && Integer.valueOf(410).equals(attempt.outcome().statusCode())) {
            String reason = "HTTP 410 Gone from " + delivery.url() + " at " + attempt.at();
            recorded = recorded.flatMap(next -> endpoints
                    .disable(attempt.target().endpointId(), reason)
                    .filter(changed -> changed)
                    .flatMap(changed ->
                            operational.endpointGone(attempt.target().endpointId(), delivery.messageId(), reason))
                    .thenReturn(next));
        }
        recorded = recorded.flatMap(next -> operational
                .messageDead(
                        delivery.messageId(),
                        delivery.id(),
                        attempt.target().endpointId(),
                        delivery.url(),
                        delivery.attemptCount() + 1,
                        attempt.outcome().statusCode(),
                        attempt.outcome().error())
                .thenReturn(next));
        return recorded.doOnNext(next -> {
                    count(died, attempt);
                    summary.dead();
                    log.info(DeliverySummary.deadLettered(
                            delivery.id(),
                            delivery.messageId(),
                            delivery.url(),
                            attempt.target().endpointId(),
                            delivery.attemptCount() + 1,
                            attempt.outcome().error()));
                })
                .flatMap(next -> queueNextInLine(attempt.delivery()));
    }

    /**
     * A FIFO endpoint's later deliveries wait in PostgreSQL while one is unfinished: once it is done, the next in
     * line is queued (if this fails, the sweep finds it, as the only one of the endpoint it may queue).
     */
    private Mono<Void> queueNextInLine(Claimed delivery) {
        if (!delivery.fifo() || delivery.endpointId() == null) return Mono.empty();
        return deliveries
                .nextInLine(delivery.endpointId())
                .flatMap(next -> next.due() == null || !next.due().isAfter(Instant.now())
                        ? queue.enqueue(List.of(next.id()))
                        : queue.schedule(next.id(), next.due()))
                .onErrorResume(e -> {
                    log.warn(
                            "Queueing the next delivery of FIFO endpoint {} failed ({}); the sweep will queue it",
                            delivery.endpointId(),
                            e.toString());
                    return Mono.empty();
                });
    }

    /** Dead-letters a delivery no attempt could be made for, recording an attempt that gives the reason. */
    Mono<Void> giveUp(Claimed delivery, String reason) {
        var attempt = new DeliveryRepository.AttemptRecord(Instant.now(), null, 0, reason, null);
        return deliveries
                .record(delivery, attempt, MessageStatus.DEAD, null)
                .retryWhen(Backoff.whileUnavailable(RECORD_RETRY_WITHIN))
                .doOnNext(next -> {
                    died.increment();
                    log.warn(
                            "Delivery {} of message {} dead-lettered: {}", delivery.id(), delivery.messageId(), reason);
                })
                .flatMap(next -> operational
                        .messageDead(
                                delivery.messageId(),
                                delivery.id(),
                                delivery.endpointId(),
                                delivery.url(),
                                delivery.attemptCount(),
                                null,
                                reason)
                        .then(queueNextInLine(delivery)));
    }

    /** Records the attempt; the next attempt's due time, or empty when another worker took the delivery over. */
    private Mono<Instant> record(Attempted attempt, String status, Duration delay) {
        // The attempt was made: while PostgreSQL is down its record waits here (the entry stays leased) rather than
        // the delivery being sent again after a takeover, and goes in within seconds of PostgreSQL's return.
        return deliveries
                .record(attempt.delivery(), attempt.record(), status, delay)
                .retryWhen(Backoff.whileUnavailable(RECORD_RETRY_WITHIN))
                .switchIfEmpty(Mono.fromRunnable(() -> log.warn(
                        "Delivery {} was taken over by another worker while this one waited for {}; "
                                + "this attempt is not recorded",
                        attempt.delivery().id(),
                        attempt.delivery().url())));
    }

    private void count(Counter result, Attempted attempt) {
        duration.record(attempt.durationMs());
        result.increment();
    }
}
