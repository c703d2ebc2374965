package io.chis.runtime.dispatch;

import io.chis.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The spans of one attempt, in the trace of the call that sent the message: its wait in the queue (from the time it
 * was due to now) and the HTTP exchange, whose {@code traceparent} goes out so the receiver can join the trace.
 */
final class AttemptTrace {

    private static final AttemptTrace OFF = new AttemptTrace(null, null);

    private final Span span;
    private final String traceparent;

    private AttemptTrace(Span span, String traceparent) {
        this.span = span;
        this.traceparent = traceparent;
    }

    static AttemptTrace start(Prepared.Request request) {
        if (!Tracing.on()) return OFF;
        DeliveryRepository.Claimed delivery = request.delivery();
        Context parent = Tracing.parent(delivery.traceparent());
        Instant now = Instant.now();
        if (delivery.dueAt() != null && delivery.dueAt().isBefore(now)) {
            Tracing.span("chis.queue.wait", SpanKind.INTERNAL, parent)
                    .setStartTimestamp(delivery.dueAt())
                    .setAttribute(Tracing.DELIVERY_ID, delivery.id().toString())
                    .startSpan()
                    .end(now);
        }
        var builder = Tracing.span("POST", SpanKind.CLIENT, parent)
                .setAttribute("http.request.method", "POST")
                .setAttribute("server.address", request.url().getHost())
                .setAttribute(Tracing.MESSAGE_ID, delivery.messageId().toString())
                .setAttribute(Tracing.DELIVERY_ID, delivery.id().toString())
                .setAttribute("chis.attempt", delivery.attemptCount() + 1L);
        if (request.target().endpointId() != null) {
            builder.setAttribute(
                    "chis.endpoint.id", request.target().endpointId().toString());
        }
        if (delivery.dueAt() != null) {
            builder.setAttribute(
                    "chis.queue.wait_ms",
                    Math.max(0, now.toEpochMilli() - delivery.dueAt().toEpochMilli()));
        }
        Span span = builder.setStartTimestamp(now.toEpochMilli(), TimeUnit.MILLISECONDS)
                .startSpan();
        return new AttemptTrace(span, Tracing.traceparent(parent.with(span)));
    }

    /** The request's headers with this attempt's {@code traceparent}. */
    Map<String, String> headers(Map<String, String> headers) {
        if (traceparent == null) return headers;
        Map<String, String> traced = new LinkedHashMap<>(headers);
        traced.put("traceparent", traceparent);
        return traced;
    }

    /** Ends the exchange's span with the receiver's status, or the error that stood for one. */
    Attempted end(Attempted attempted) {
        if (span == null) return attempted;
        AttemptOutcome outcome = attempted.outcome();
        if (outcome.statusCode() != null) span.setAttribute("http.response.status_code", (long) outcome.statusCode());
        if (!(outcome instanceof AttemptOutcome.Delivered)) {
            span.setStatus(
                    StatusCode.ERROR, outcome.error() != null ? outcome.error() : "HTTP " + outcome.statusCode());
        }
        span.end();
        return attempted;
    }
}
