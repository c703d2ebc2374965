package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.dispatch.EndpointRateLimiter.Permit;
import io.chis.runtime.tracing.Tracing;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * One attempt at one delivery, stage by stage: find its target, pace it, wait for a place at its host, prepare the
 * signed request, make the exchange, handle the outcome. Everything that matters is in PostgreSQL before the returned
 * Mono completes and the queue entry is acknowledged, so a crash at any point leaves work the sweep or another worker
 * picks up.
 */
public class WebhookSender implements Attempts {

    private final Claims claims;
    private final Targets targets;
    private final EndpointRateLimiter rateLimiter;
    private final HostGate hosts;
    private final WebhookExchange exchange;
    private final OutcomeHandler outcomes;

    public WebhookSender(
            Claims claims,
            Targets targets,
            EndpointRateLimiter rateLimiter,
            int hostConcurrency,
            WebhookExchange exchange,
            OutcomeHandler outcomes) {
        this.claims = claims;
        this.targets = targets;
        this.rateLimiter = rateLimiter;
        this.hosts = new HostGate(hostConcurrency, exchange.timeout());
        this.exchange = exchange;
        this.outcomes = outcomes;
    }

    @Override
    public Mono<Map<UUID, Claimed>> claim(List<UUID> deliveryIds) {
        return claims.claim(deliveryIds);
    }

    @Override
    public Mono<Void> attempt(UUID deliveryId, Claimed claimed, Slot slot) {
        if (claimed == null) return claims.requeueIfEarly(deliveryId);
        return targets.of(claimed)
                .flatMap(target -> rateLimiter
                        .pace(target.endpointId(), target.policy().rateLimitPerSecond(), claimed.id())
                        .flatMap(permit -> switch (permit) {
                            case Permit.Later later -> claims.putBack(claimed, later.delay());
                            case Permit.Go go ->
                                go.after().isZero()
                                        ? atHost(claimed, target, slot)
                                        : Mono.delay(go.after()).then(Mono.defer(() -> atHost(claimed, target, slot)));
                        }));
    }

    @Override
    public Mono<Void> giveUp(Claimed claimed, String reason) {
        return outcomes.giveUp(claimed, reason);
    }

    /**
     * Sends once its endpoint and host have a free place; a delivery they cannot take now is put back without an
     * attempt.
     */
    private Mono<Void> atHost(Claimed delivery, Target target, Slot slot) {
        String host = HostGate.hostOf(delivery.url());
        return hosts.enter(host, target.endpointId(), slot).flatMap(admission -> switch (admission) {
            case HostGate.Admission.Entered entered -> send(delivery, target, host);
            case HostGate.Admission.Deferred deferred -> claims.putBack(delivery, deferred.after());
        });
    }

    private Mono<Void> send(Claimed delivery, Target target, String host) {
        // the outcome's logs carry the trace of the call that sent the message
        return Tracing.within(
                delivery.traceparent(),
                exchange.exchange(Prepared.of(delivery, target, Instant.now()))
                        .doFinally(signal -> hosts.leave(host, target.endpointId()))
                        .flatMap(outcomes::handle));
    }
}
