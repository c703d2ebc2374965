package io.chis.runtime.api;

import com.google.protobuf.ByteString;
import io.chis.proto.v1.Attempt;
import io.chis.proto.v1.Delivery;
import io.chis.proto.v1.DeliveryServiceGrpc.DeliveryServiceStub;
import io.chis.proto.v1.GetMessageRequest;
import io.chis.proto.v1.ListMessagesRequest;
import io.chis.proto.v1.ListMessagesResponse;
import io.chis.proto.v1.Message;
import io.chis.proto.v1.RetryMessageRequest;
import io.chis.proto.v1.RetryMessageResponse;
import io.chis.proto.v1.SubmitMessageRequest;
import io.chis.proto.v1.SubmitMessageResponse;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.grpc.Grpc;
import io.chis.runtime.support.ApiException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /webhook/*}: authenticate, validate, forward to the delivery role over gRPC, render JSON. */
public class MessageHandler {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_IDEMPOTENCY_KEY = 255;
    // Room for the url, eventType and JSON around the payload; the payload itself is checked exactly.
    static final int ENVELOPE_BYTES = 16 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Authenticator auth;
    private final DeliveryServiceStub delivery;
    private final int maxPayloadBytes;

    public MessageHandler(Authenticator auth, DeliveryServiceStub delivery, ChisSettings settings) {
        this.auth = auth;
        this.delivery = delivery;
        this.maxPayloadBytes = settings.maxPayloadBytes();
    }

    public Mono<ServerResponse> send(ServerRequest request) {
        String idempotencyKey = request.headers().firstHeader(IDEMPOTENCY_KEY);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            return Mono.error(
                    ApiException.badRequest(IDEMPOTENCY_KEY + " must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters"));
        }
        return auth.apiKey(request)
                .flatMap(account -> body(request)
                        .map(bytes -> SendRequest.parse(bytes, maxPayloadBytes))
                        .flatMap(send -> Grpc.<SubmitMessageResponse>call(observer -> stub().submitMessage(
                                        SubmitMessageRequest.newBuilder()
                                                .setAccountId(account.toString())
                                                .setUrl(send.url() == null ? "" : send.url())
                                                .setEventType(send.eventType() == null ? "" : send.eventType())
                                                .setPayload(ByteString.copyFrom(send.payload()))
                                                .setIdempotencyKey(idempotencyKey == null ? "" : idempotencyKey.trim())
                                                .build(),
                                        observer))))
                .flatMap(submitted -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", submitted.getId());
                    body.put("status", submitted.getStatus());
                    body.put("deliveries", submitted.getDeliveries());
                    return ServerResponse.accepted().bodyValue(body);
                });
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.apiKeyOrBearer(request)
                .flatMap(account -> Grpc.<Message>call(observer -> stub().getMessage(
                                GetMessageRequest.newBuilder()
                                        .setAccountId(account.toString())
                                        .setId(request.pathVariable("id"))
                                        .build(),
                                observer)))
                .flatMap(message -> ServerResponse.ok().bodyValue(view(message, true)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        int limit;
        try {
            limit = Integer.parseInt(request.queryParam("limit").orElse("20"));
        } catch (NumberFormatException e) {
            return Mono.error(ApiException.badRequest("limit must be a number between 1 and 100"));
        }
        if (limit < 1 || limit > 100) return Mono.error(ApiException.badRequest("limit must be between 1 and 100"));
        return auth.apiKeyOrBearer(request)
                .flatMap(account -> Grpc.<ListMessagesResponse>call(observer -> stub().listMessages(
                                ListMessagesRequest.newBuilder()
                                        .setAccountId(account.toString())
                                        .setStatus(request.queryParam("status").orElse(""))
                                        .setLimit(limit)
                                        .setCursor(request.queryParam("cursor").orElse(""))
                                        .build(),
                                observer)))
                .flatMap(page -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put(
                            "messages",
                            page.getMessagesList().stream()
                                    .map(m -> view(m, false))
                                    .toList());
                    body.put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    public Mono<ServerResponse> retry(ServerRequest request) {
        return auth.apiKeyOrBearer(request)
                .flatMap(account -> Grpc.<RetryMessageResponse>call(observer -> stub().retryMessage(
                                RetryMessageRequest.newBuilder()
                                        .setAccountId(account.toString())
                                        .setId(request.pathVariable("id"))
                                        .build(),
                                observer)))
                .flatMap(retried -> retried.getRequeued() == 0
                        ? Mono.error(ApiException.conflict("message has no dead-lettered deliveries to retry"))
                        : ServerResponse.accepted()
                                .bodyValue(Map.of("id", retried.getId(), "requeued", retried.getRequeued())));
    }

    private DeliveryServiceStub stub() {
        return delivery.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The whole body, refusing (413) to buffer more than the payload limit allows. */
    private Mono<byte[]> body(ServerRequest request) {
        int limit = maxPayloadBytes + ENVELOPE_BYTES;
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > limit) {
            return Mono.error(new ApiException(
                    HttpStatus.CONTENT_TOO_LARGE,
                    "request body is " + declared + " bytes; the payload limit is " + maxPayloadBytes));
        }
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .onErrorMap(
                        org.springframework.core.io.buffer.DataBufferLimitException.class,
                        e -> new ApiException(
                                HttpStatus.CONTENT_TOO_LARGE,
                                "request body is larger than the payload limit of " + maxPayloadBytes + " bytes"))
                .switchIfEmpty(Mono.error(() -> ApiException.badRequest("request body is required (JSON)")));
    }

    static Map<String, Object> view(Message m, boolean withAttempts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", m.getId());
        body.put("status", m.getStatus());
        body.put("eventType", emptyToNull(m.getEventType()));
        body.put("createdAt", emptyToNull(m.getCreatedAt()));
        body.put(
                "deliveries",
                m.getDeliveriesList().stream().map(d -> view(d, withAttempts)).toList());
        return body;
    }

    private static Map<String, Object> view(Delivery d, boolean withAttempts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", d.getId());
        body.put("url", d.getUrl());
        body.put("endpointId", emptyToNull(d.getEndpointId()));
        body.put("status", d.getStatus());
        body.put("attemptCount", d.getAttemptCount());
        body.put("nextAttemptAt", emptyToNull(d.getNextAttemptAt()));
        if (withAttempts)
            body.put(
                    "attempts",
                    d.getAttemptsList().stream().map(MessageHandler::view).toList());
        return body;
    }

    private static Map<String, Object> view(Attempt a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("attempt", a.getAttempt());
        body.put("at", a.getAt());
        body.put("statusCode", a.getStatusCode() == 0 ? null : a.getStatusCode());
        body.put("durationMs", a.getDurationMs());
        body.put("error", emptyToNull(a.getError()));
        return body;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
