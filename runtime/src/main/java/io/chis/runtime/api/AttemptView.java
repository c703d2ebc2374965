package io.chis.runtime.api;

import io.chis.proto.v1.Attempt;

/**
 * One HTTP attempt of a delivery; {@code statusCode} is null when no answer came, {@code error} when it was 2xx,
 * {@code responseBody} (its first 512 characters) when the receiver sent none.
 */
public record AttemptView(
        int attempt, String at, Integer statusCode, long durationMs, String error, String responseBody) {

    static AttemptView of(Attempt a) {
        return new AttemptView(
                a.getAttempt(),
                a.getAt(),
                a.getStatusCode() == 0 ? null : a.getStatusCode(),
                a.getDurationMs(),
                MessageView.emptyToNull(a.getError()),
                MessageView.emptyToNull(a.getResponseBody()));
    }
}
