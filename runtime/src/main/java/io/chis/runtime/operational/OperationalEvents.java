package io.chis.runtime.operational;

import io.chis.runtime.endpoint.Endpoint;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.endpoint.EventTypes;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.persist.MessageService;
import io.chis.runtime.recovery.Recovery;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chis's own events about an account's endpoints and messages, sent as webhooks through the same pipeline (stored,
 * queued, signed, retried) to the account's endpoints that subscribe to them by a {@code chis.} filter, never to the
 * endpoint the event is about. What follows from delivering an operational event is not emitted again, so they
 * cannot loop. Emitting never fails the operation it reports: a failure is logged.
 */
@Service
public class OperationalEvents {

    private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public enum DisableCause {
        GONE,
        FAILING,
        MANUAL;

        String label() {
            return name().toLowerCase();
        }
    }

    private final EndpointRepository endpoints;
    private final MessageRepository messages;
    private final MessageService submit;
    private final Clock clock;

    public OperationalEvents(EndpointRepository endpoints, MessageRepository messages, MessageService submit) {
        this.endpoints = endpoints;
        this.messages = messages;
        this.submit = submit;
        this.clock = Clock.systemUTC();
    }

    public Mono<Void> endpointDisabled(Endpoint e, DisableCause cause, String reason) {
        return emit(
                e.accountId(),
                OperationalEvent.ENDPOINT_DISABLED,
                new OperationalEvent.EndpointDisabled(e.id(), e.name(), e.url(), managedBy(e), cause.label(), reason),
                e.id());
    }

    /** The endpoint answered 410 to a delivery of message {@code messageId} and was disabled. */
    public Mono<Void> endpointGone(UUID endpointId, UUID messageId, String reason) {
        return notOperational(messageId)
                .flatMap(origin -> endpoints.findById(endpointId))
                .flatMap(e -> endpointDisabled(e, DisableCause.GONE, reason));
    }

    public Mono<Void> endpointEnabled(Endpoint e) {
        return emit(
                e.accountId(),
                OperationalEvent.ENDPOINT_ENABLED,
                new OperationalEvent.EndpointEnabled(e.id(), e.name(), e.url(), managedBy(e)),
                e.id());
    }

    /** A bulk recovery finished; not sent to the endpoint it recovered for (it gets the re-queued deliveries). */
    public Mono<Void> recoveryDone(Recovery recovery, long requeued) {
        return emit(
                recovery.accountId(),
                OperationalEvent.RECOVER_DONE,
                new OperationalEvent.RecoverDone(
                        recovery.id(),
                        recovery.endpointId(),
                        recovery.since(),
                        recovery.until(),
                        recovery.matched(),
                        requeued),
                recovery.endpointId());
    }

    /** A delivery of message {@code messageId} was dead-lettered; nothing is said when that message is operational. */
    public Mono<Void> messageDead(
            UUID messageId,
            UUID deliveryId,
            UUID endpointId,
            String url,
            int attempts,
            Integer lastStatusCode,
            String error) {
        return notOperational(messageId)
                .flatMap(origin -> emit(
                        origin.accountId(),
                        OperationalEvent.MESSAGE_DEAD,
                        new OperationalEvent.MessageDead(
                                messageId,
                                origin.eventType(),
                                deliveryId,
                                endpointId,
                                url,
                                attempts,
                                lastStatusCode,
                                error),
                        endpointId))
                .onErrorResume(e -> logged(OperationalEvent.MESSAGE_DEAD, e));
    }

    /** The message's origin, or empty when the message is itself an operational event. */
    private Mono<MessageRepository.Origin> notOperational(UUID messageId) {
        return messages.origin(messageId)
                .filter(origin -> origin.eventType() == null || !EventTypes.isOperational(origin.eventType()));
    }

    private Mono<Void> emit(UUID accountId, String type, Object data, UUID about) {
        byte[] payload = JSON.writeValueAsBytes(new OperationalEvent(type, clock.instant(), data));
        return endpoints
                .subscribers(accountId, type, payload)
                .map(list -> list.stream()
                        .filter(e -> !Objects.equals(e.id(), about))
                        .map(e -> new MessageService.Target(e.url(), e.id()))
                        .toList())
                .filter(targets -> !targets.isEmpty())
                .flatMap(targets -> submit.submit(accountId, type, payload, null, targets)
                        .doOnNext(sent -> log.info(
                                "Operational event {} (message {}) sent to {} endpoint(s) of account {}",
                                type,
                                sent.id(),
                                targets.size(),
                                accountId)))
                .then()
                .onErrorResume(e -> logged(type, e));
    }

    private static Mono<Void> logged(String type, Throwable e) {
        log.warn("Operational event {} could not be emitted: {}", type, e.toString());
        return Mono.empty();
    }

    private static String managedBy(Endpoint e) {
        return e.ref() == null ? null : "WebhookEndpoint " + e.ref();
    }
}
