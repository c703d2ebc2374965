package io.chis.runtime.dispatch;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.dispatch.DeliveryRepository.AttemptRecord;
import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.dispatch.EndpointRateLimiter.Permit;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.persist.MessageStatus;
import io.chis.runtime.policy.DeliveryPolicy;
import io.chis.runtime.policy.PolicyRepository;
import io.chis.runtime.queue.RetryQueue;
import io.chis.runtime.signing.WebhookSignature;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * One attempt at one delivery: claim it in PostgreSQL, sign and POST it, record the attempt and decide what
 * follows (delivered, a retry in the sorted set, or dead). Everything that matters is in PostgreSQL before the
 * stream entry is acknowledged, so a crash at any point leaves work the sweep or another worker picks up.
 */
public class WebhookSender {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final DeliveryRepository deliveries;
    private final MessageRepository messages;
    private final RetryQueue retries;
    private final WebhookClient client;
    private final TransactionalOperator tx;
    private final EndpointRepository endpoints;
    private final PolicyRepository policies;
    private final DeliverySettings settings;
    private final EndpointRateLimiter rateLimiter;
    private final DeliveryPolicy builtInPolicy;

    private final Counter succeeded;
    private final Counter failed;
    private final Counter died;
    private final Counter retriesScheduled;
    private final Counter deadLettered;
    private final DistributionSummary duration;

    public WebhookSender(
            DeliveryRepository deliveries,
            MessageRepository messages,
            EndpointRepository endpoints,
            PolicyRepository policies,
            RetryQueue retries,
            WebhookClient client,
            TransactionalOperator tx,
            ChisSettings settings,
            EndpointRateLimiter rateLimiter,
            MeterRegistry registry) {
        this.rateLimiter = rateLimiter;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.policies = policies;
        this.messages = messages;
        this.retries = retries;
        this.client = client;
        this.builtInPolicy = DeliveryPolicy.defaults(client.timeout());
        this.tx = tx;
        this.settings = settings.delivery();
        this.succeeded = delivered(registry, "success");
        this.failed = delivered(registry, "failed");
        this.died = delivered(registry, "dead");
        this.retriesScheduled = Counter.builder("chis.retries.scheduled")
                .description("Failed attempts that were given a retry")
                .register(registry);
        this.deadLettered = Counter.builder("chis.dead.lettered")
                .description("Deliveries dead-lettered (last retry failed, 410 Gone, or a refused target)")
                .register(registry);
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

    /** Claims a batch of deliveries at once (see {@link DeliveryRepository#claim}); the map holds those won. */
    public Mono<Map<UUID, Claimed>> claim(List<UUID> deliveryIds) {
        return deliveries.claim(deliveryIds, settings.lease()).collectMap(Claimed::id);
    }

    /**
     * Makes the delivery's next attempt if this worker claimed it. A delivery that was not claimed (a duplicate
     * stream entry, one already finished, one another worker holds) is left alone; one that came early is put back
     * in the sorted set for its due time.
     */
    public Mono<Void> send(UUID deliveryId, Claimed claimed) {
        return (claimed == null ? Mono.<Boolean>empty() : attempt(claimed))
                .switchIfEmpty(Mono.defer(() -> deliveries
                        .dueLater(deliveryId)
                        .flatMap(due -> retries.schedule(deliveryId, due))
                        .then(Mono.empty())))
                .then();
    }

    /** How to sign, pace and retry one delivery: its endpoint's secret, headers and policy, or the account's secret. */
    private record Target(List<String> secrets, Map<String, String> headers, DeliveryPolicy policy, UUID endpointId) {

        boolean rateLimited() {
            return endpointId != null && policy.rateLimitPerSecond() > 0;
        }
    }

    private Mono<Boolean> attempt(Claimed delivery) {
        return target(delivery)
                .flatMap(target -> pace(delivery, target).flatMap(permit -> switch (permit) {
                    case Permit.Later later -> putBack(delivery, later.delay());
                    case Permit.Go go ->
                        go.after().isZero()
                                ? send(delivery, target)
                                : Mono.delay(go.after()).then(Mono.defer(() -> send(delivery, target)));
                }));
    }

    private Mono<Boolean> send(Claimed delivery, Target target) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        return exchange(delivery, target, at)
                .flatMap(result -> finish(delivery, target, at, (System.nanoTime() - start) / 1_000_000, result));
    }

    private Mono<Permit> pace(Claimed delivery, Target target) {
        if (!target.rateLimited()) return Mono.just(new Permit.Go(Duration.ZERO));
        return rateLimiter
                .reserve(target.endpointId(), target.policy().rateLimitPerSecond(), delivery.id())
                .onErrorResume(e -> {
                    // without Redis the limit cannot be checked: hold the delivery back rather than overrun the
                    // endpoint
                    log.warn(
                            "Rate limit of endpoint {} unavailable ({}); delivery {} waits",
                            target.endpointId(),
                            e.toString(),
                            delivery.id());
                    return Mono.just(new Permit.Later(EndpointRateLimiter.MAX_WAIT));
                });
    }

    /** Returns a delivery whose endpoint has no free slot yet to the retry set, without counting an attempt. */
    private Mono<Boolean> putBack(Claimed delivery, Duration delay) {
        return deliveries
                .release(delivery, delay)
                .flatMap(due -> messages.refreshStatus(delivery.messageId()).thenReturn(due))
                .as(tx::transactional)
                .flatMap(due -> retries.schedule(delivery.id(), due).onErrorResume(e -> Mono.empty()))
                .thenReturn(true);
    }

    private Mono<Target> target(Claimed delivery) {
        Mono<Target> account = Mono.defer(
                () -> policy(null).map(policy -> new Target(delivery.accountSecrets(), Map.of(), policy, null)));
        if (delivery.endpointId() == null) return account;
        // a deleted endpoint's pending deliveries fall back to the account's secret and the default policy
        return endpoints
                .findById(delivery.endpointId())
                .flatMap(e -> policy(e.policy())
                        .map(policy -> new Target(
                                WebhookSignature.inUse(e.secret(), e.previousSecret()), e.headers(), policy, e.id())))
                .switchIfEmpty(account);
    }

    /** The named policy, else CHIS_DEFAULT_POLICY, else the built-in schedule (also when the named one is missing). */
    private Mono<DeliveryPolicy> policy(String name) {
        String effective = name != null ? name : settings.defaultPolicy();
        return effective == null
                ? Mono.just(builtInPolicy)
                : policies.find(effective).defaultIfEmpty(builtInPolicy);
    }

    private record Result(AttemptOutcome outcome, String body) {}

    private Mono<Result> exchange(Claimed delivery, Target target, Instant at) {
        List<String> secrets = target.secrets();
        URI url;
        try {
            url = new URI(delivery.url());
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new URISyntaxException(delivery.url(), "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            return Mono.just(
                    new Result(new AttemptOutcome.Rejected(null, "cannot request this URL: " + e.getMessage()), null));
        }
        if (secrets.isEmpty()) {
            return Mono.just(new Result(new AttemptOutcome.Rejected(null, "the account has no signing secret"), null));
        }
        Map<String, String> headers = new LinkedHashMap<>(target.headers());
        headers.putAll(
                WebhookHeaders.of(delivery.messageId().toString(), at.getEpochSecond(), delivery.payload(), secrets));
        return client.post(url, headers, delivery.payload(), target.policy().timeout())
                .map(r -> new Result(
                        AttemptOutcome.ofResponse(r.status(), r.location(), r.retryAfter(), Instant.now()), r.body()))
                .onErrorResume(e -> Mono.just(new Result(
                        AttemptOutcome.ofError(
                                e, client.effective(target.policy().timeout())),
                        null)));
    }

    private Mono<Boolean> finish(Claimed delivery, Target target, Instant at, long durationMs, Result result) {
        AttemptOutcome outcome = result.outcome();
        NextStep step = NextStep.after(
                target.policy().schedule(),
                outcome,
                delivery.attemptsSinceReplay(),
                ThreadLocalRandom.current().nextDouble());
        String status;
        Duration delay = null;
        switch (step) {
            case NextStep.Deliver d -> status = MessageStatus.DELIVERED;
            case NextStep.RetryAfter r -> {
                status = MessageStatus.RETRYING;
                delay = r.delay();
            }
            case NextStep.DeadLetter d -> status = MessageStatus.DEAD;
        }
        var attempt = new AttemptRecord(at, outcome.statusCode(), durationMs, outcome.error(), result.body());
        Mono<Instant> recorded = deliveries.record(delivery, attempt, status, delay);
        // 410 Gone from an endpoint disables it: the receiver said it no longer wants these webhooks (should this
        // write fail, the endpoint's next delivery meets the 410 again and disables it then)
        if (target.endpointId() != null && Integer.valueOf(410).equals(outcome.statusCode())) {
            recorded = recorded.flatMap(next -> endpoints
                    .disable(target.endpointId(), "HTTP 410 Gone from " + delivery.url() + " at " + at)
                    .thenReturn(next));
        }
        return recorded.flatMap(next -> {
                    duration.record(durationMs);
                    switch (status) {
                        case MessageStatus.DELIVERED -> succeeded.increment();
                        case MessageStatus.RETRYING -> {
                            failed.increment();
                            retriesScheduled.increment();
                        }
                        default -> {
                            died.increment();
                            deadLettered.increment();
                            log.info(
                                    "Delivery {} of message {} dead-lettered after {} attempt(s): {}",
                                    delivery.id(),
                                    delivery.messageId(),
                                    delivery.attemptCount() + 1,
                                    outcome.error());
                        }
                    }
                    if (!status.equals(MessageStatus.RETRYING)) return Mono.just(true);
                    // If this fails the retry is still in PostgreSQL, and the sweep queues it once it is overdue.
                    return retries.schedule(delivery.id(), next)
                            .onErrorResume(e -> {
                                log.warn(
                                        "Scheduling the retry of delivery {} in Redis failed ({}); the sweep will queue it",
                                        delivery.id(),
                                        e.toString());
                                return Mono.empty();
                            })
                            .thenReturn(true);
                })
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    log.warn(
                            "Delivery {} was taken over by another worker while this one waited for {}; "
                                    + "this attempt is not recorded",
                            delivery.id(),
                            delivery.url());
                    return false;
                }));
    }
}
