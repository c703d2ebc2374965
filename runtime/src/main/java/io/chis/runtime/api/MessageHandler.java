package io.chis.runtime.api;

import com.google.protobuf.ByteString;
import io.chis.proto.v1.DeliveryServiceGrpc.DeliveryServiceStub;
import io.chis.proto.v1.GetMessageRequest;
import io.chis.proto.v1.ListMessagesRequest;
import io.chis.proto.v1.ListMessagesResponse;
import io.chis.proto.v1.Message;
import io.chis.proto.v1.MessageStats;
import io.chis.proto.v1.MessageStatsRequest;
import io.chis.proto.v1.RetryMessageRequest;
import io.chis.proto.v1.RetryMessageResponse;
import io.chis.proto.v1.SubmitMessageRequest;
import io.chis.proto.v1.SubmitMessageResponse;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.dispatch.WebhookHeaders;
import io.chis.runtime.eventtype.EventTypeCatalog;
import io.chis.runtime.grpc.Grpc;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.throttle.Rate;
import io.chis.runtime.throttle.RateLimiter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
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
    // An outage is answered (503) within this: the delivery role drops a submission not committed by then.
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Authenticator auth;
    private final DeliveryServiceStub delivery;
    private final EventTypeCatalog eventTypes;
    private final int maxPayloadBytes;
    private final RateLimiter limiter;
    private final Rate sendRate;

    public MessageHandler(
            Authenticator auth,
            DeliveryServiceStub delivery,
            EventTypeCatalog eventTypes,
            ChisSettings settings,
            RateLimiter limiter) {
        this.auth = auth;
        this.delivery = delivery;
        this.eventTypes = eventTypes;
        this.maxPayloadBytes = settings.maxPayloadBytes();
        this.limiter = limiter;
        this.sendRate = settings.security().accountSendRate();
    }

    public Mono<ServerResponse> send(ServerRequest request) {
        // an endpoint pointing at this route would re-submit every delivery to itself: two of them grow without bound
        if (WebhookHeaders.sentByChis(request.headers().firstHeader(HttpHeaders.USER_AGENT))) {
            // the refusal is final: the worker that sent it dead-letters the delivery instead of retrying
            request.exchange().getResponse().getHeaders().set(WebhookHeaders.REFUSED, WebhookHeaders.SELF_LOOP);
            return Mono.error(new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "webhooks delivered by Chis cannot be re-submitted to Chis: point the endpoint at a receiver,"
                            + " not at POST /webhook/send"));
        }
        String idempotencyKey = request.headers().firstHeader(IDEMPOTENCY_KEY);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            return Mono.error(
                    ApiException.badRequest(IDEMPOTENCY_KEY + " must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters"));
        }
        return auth.apiKey(request)
                .flatMap(account -> withinSendRate(account).thenReturn(account))
                .flatMap(account -> body(request)
                        .map(bytes -> SendRequest.parse(bytes, maxPayloadBytes))
                        // a payload its event type's schema refuses is answered 422 and never stored
                        .flatMap(send -> send.eventType() == null
                                ? Mono.just(send)
                                : eventTypes
                                        .check(account, send.eventType(), send.payload())
                                        .thenReturn(send))
                        .flatMap(send -> Grpc.<SubmitMessageResponse>call(observer -> stub().submitMessage(
                                        SubmitMessageRequest.newBuilder()
                                                .setAccountId(account.toString())
                                                .setUrl(send.url() == null ? "" : send.url())
                                                .setEventType(send.eventType() == null ? "" : send.eventType())
                                                .setPayload(ByteString.copyFrom(send.payload()))
                                                .setIdempotencyKey(idempotencyKey == null ? "" : idempotencyKey.trim())
                                                .build(),
                                        observer))))
                .flatMap(submitted -> ServerResponse.accepted()
                        .bodyValue(new MessageAccepted(
                                submitted.getId(), submitted.getStatus(), submitted.getDeliveries())));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.apiKeyOrBearer(request)
                .flatMap(account -> Grpc.<Message>call(observer -> stub().getMessage(
                                GetMessageRequest.newBuilder()
                                        .setAccountId(account.toString())
                                        .setId(request.pathVariable("id"))
                                        .build(),
                                observer)))
                .flatMap(message -> ServerResponse.ok().bodyValue(MessageView.of(message, true)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        // the query is checked before the credentials, as it always was: a bad limit is a 400 even unauthenticated
        return Mono.fromCallable(() -> MessageQuery.from(request))
                .flatMap(query -> auth.apiKeyOrBearer(request)
                        .flatMap(account -> Grpc.<ListMessagesResponse>call(observer -> stub().listMessages(
                                        ListMessagesRequest.newBuilder()
                                                .setAccountId(account.toString())
                                                .setStatus(query.status())
                                                .setEventType(query.eventType())
                                                .setLimit(query.limit())
                                                .setCursor(query.cursor())
                                                .build(),
                                        observer))))
                .flatMap(page -> ServerResponse.ok().bodyValue(MessagePage.of(page)));
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
                                .bodyValue(new MessageRetried(retried.getId(), retried.getRequeued())));
    }

    public Mono<ServerResponse> stats(ServerRequest request) {
        return auth.apiKeyOrBearer(request)
                .flatMap(account -> Grpc.<MessageStats>call(observer -> stub().getMessageStats(
                                MessageStatsRequest.newBuilder()
                                        .setAccountId(account.toString())
                                        .build(),
                                observer)))
                .flatMap(stats -> ServerResponse.ok().bodyValue(MessageStatsView.of(stats)));
    }

    /** {@code CHIS_ACCOUNT_SEND_RATE}, across replicas: 429 with Retry-After when the account is over it. */
    private Mono<Void> withinSendRate(UUID account) {
        if (sendRate == null) return Mono.empty();
        return limiter.consume("send:" + account, sendRate)
                .flatMap(d -> d.allowed()
                        ? Mono.<Void>empty()
                        : Mono.error(ApiException.tooManyRequests(
                                "this account sends more than " + sendRate + " (CHIS_ACCOUNT_SEND_RATE)",
                                d.retryAfter())));
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
}
