package io.chis.runtime.persist;

import io.chis.proto.v1.Attempt;
import io.chis.proto.v1.Delivery;
import io.chis.proto.v1.DeliveryServiceGrpc;
import io.chis.proto.v1.GetMessageRequest;
import io.chis.proto.v1.ListMessagesRequest;
import io.chis.proto.v1.ListMessagesResponse;
import io.chis.proto.v1.Message;
import io.chis.proto.v1.MessageStats;
import io.chis.proto.v1.MessageStatsRequest;
import io.chis.proto.v1.MinuteCount;
import io.chis.proto.v1.RetryMessageRequest;
import io.chis.proto.v1.RetryMessageResponse;
import io.chis.proto.v1.SubmitMessageRequest;
import io.chis.proto.v1.SubmitMessageResponse;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.endpoint.EndpointService;
import io.chis.runtime.grpc.BearerToken;
import io.chis.runtime.grpc.Grpc;
import io.chis.runtime.persist.MessageRecord.AttemptRecord;
import io.chis.runtime.persist.MessageRecord.DeliveryRecord;
import io.chis.runtime.persist.MessageRepository.Cursor;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** The delivery role's side of {@code chis.v1.DeliveryService}: checks arguments, maps records to messages. */
public class DeliveryGrpcService implements DeliveryServiceGrpc.AsyncService, BindableService {

    static final int MAX_PAGE = 100;

    private final MessageService messages;
    private final EndpointService endpoints;
    private final ServerInterceptor auth;

    public DeliveryGrpcService(MessageService messages, EndpointService endpoints, ChisSettings settings) {
        this.messages = messages;
        this.endpoints = endpoints;
        // the account_id of every call is trusted: only the platform's own api role may make them
        this.auth = BearerToken.required(
                settings.security().internalToken(),
                "DeliveryService (the platform's internal token, CHIS_INTERNAL_TOKEN)",
                "DeliveryService is closed: no internal token is configured");
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerInterceptors.intercept(DeliveryServiceGrpc.bindService(this), auth);
    }

    @Override
    public void submitMessage(SubmitMessageRequest request, StreamObserver<SubmitMessageResponse> observer) {
        Grpc.respond(
                Mono.defer(() -> {
                    UUID account = uuid(request.getAccountId(), "account_id");
                    String eventType = emptyToNull(request.getEventType());
                    Mono<List<MessageService.Target>> targets;
                    if (!request.getUrl().isEmpty()) {
                        targets = Mono.just(List.of(new MessageService.Target(request.getUrl(), null)));
                    } else if (eventType == null) {
                        return Mono.error(invalid("url or event_type is required"));
                    } else {
                        targets = endpoints
                                .subscribers(account, eventType)
                                .map(list -> list.stream()
                                        .map(e -> new MessageService.Target(e.url(), e.id()))
                                        .toList());
                    }
                    return targets.flatMap(t -> messages.submit(
                                    account,
                                    eventType,
                                    request.getPayload().toByteArray(),
                                    emptyToNull(request.getIdempotencyKey()),
                                    t))
                            .map(s -> SubmitMessageResponse.newBuilder()
                                    .setId(s.id().toString())
                                    .setStatus(s.status())
                                    .setDeliveries(s.deliveries())
                                    .setDuplicate(s.duplicate())
                                    .build());
                }),
                observer);
    }

    @Override
    public void getMessage(GetMessageRequest request, StreamObserver<Message> observer) {
        Grpc.respond(
                Mono.defer(() -> messages.get(uuid(request.getAccountId(), "account_id"), messageId(request.getId()))
                        .map(DeliveryGrpcService::toProto)),
                observer);
    }

    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> observer) {
        Grpc.respond(
                Mono.defer(() -> {
                    String status = emptyToNull(request.getStatus());
                    if (status != null && !MessageStatus.ALL.contains(status)) {
                        return Mono.error(
                                invalid("status must be one of pending, delivering, retrying, delivered, dead"));
                    }
                    int limit = request.getLimit() == 0 ? 20 : request.getLimit();
                    if (limit < 1 || limit > MAX_PAGE)
                        return Mono.error(invalid("limit must be between 1 and " + MAX_PAGE));
                    Cursor after;
                    try {
                        after = request.getCursor().isEmpty() ? null : Cursor.decode(request.getCursor());
                    } catch (IllegalArgumentException e) {
                        return Mono.error(invalid("cursor is not one this server issued"));
                    }
                    return messages.page(
                                    uuid(request.getAccountId(), "account_id"),
                                    status,
                                    emptyToNull(request.getEventType()),
                                    after,
                                    limit + 1)
                            .map(page -> {
                                var response = ListMessagesResponse.newBuilder();
                                page.stream().limit(limit).forEach(m -> response.addMessages(toProto(m)));
                                if (page.size() > limit) {
                                    MessageRecord last = page.get(limit - 1);
                                    response.setNextCursor(new Cursor(last.createdAt(), last.id()).encode());
                                }
                                return response.build();
                            });
                }),
                observer);
    }

    @Override
    public void retryMessage(RetryMessageRequest request, StreamObserver<RetryMessageResponse> observer) {
        Grpc.respond(
                Mono.defer(() -> messages.retry(uuid(request.getAccountId(), "account_id"), messageId(request.getId()))
                        .map(n -> RetryMessageResponse.newBuilder()
                                .setId(request.getId())
                                .setRequeued(n)
                                .build())),
                observer);
    }

    @Override
    public void getMessageStats(MessageStatsRequest request, StreamObserver<MessageStats> observer) {
        Grpc.respond(
                Mono.defer(() -> messages.stats(uuid(request.getAccountId(), "account_id")))
                        .map(stats -> {
                            var answer = MessageStats.newBuilder().putAllMessages(stats.messages());
                            stats.minutes()
                                    .forEach(m -> answer.addMinutes(MinuteCount.newBuilder()
                                            .setMinute(time(m.minute()))
                                            .setDelivered(m.delivered())
                                            .setFailed(m.failed())));
                            return answer.build();
                        }),
                observer);
    }

    static Message toProto(MessageRecord m) {
        var message = Message.newBuilder()
                .setId(m.id().toString())
                .setStatus(m.status())
                .setEventType(nullToEmpty(m.eventType()))
                .setCreatedAt(time(m.createdAt()));
        for (DeliveryRecord d : m.deliveries()) {
            var delivery = Delivery.newBuilder()
                    .setId(d.id().toString())
                    .setUrl(d.url())
                    .setEndpointId(d.endpointId() == null ? "" : d.endpointId().toString())
                    .setStatus(d.status())
                    .setAttemptCount(d.attemptCount())
                    .setNextAttemptAt(time(d.nextAttemptAt()));
            for (AttemptRecord a : d.attempts()) {
                delivery.addAttempts(Attempt.newBuilder()
                        .setAttempt(a.attempt())
                        .setAt(time(a.at()))
                        .setStatusCode(a.statusCode() == null ? 0 : a.statusCode())
                        .setDurationMs(a.durationMs())
                        .setError(nullToEmpty(a.error()))
                        .setResponseBody(nullToEmpty(a.responseBody())));
            }
            message.addDeliveries(delivery);
        }
        return message.build();
    }

    private static UUID messageId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Status.NOT_FOUND.withDescription("no message with id " + id).asRuntimeException();
        }
    }

    private static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw invalid(field + " must be a UUID");
        }
    }

    private static RuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    private static String time(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
