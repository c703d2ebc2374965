package io.chis.runtime.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/** What one HTTP attempt came to, judged as docs/architecture.md "dispatch" says: 2xx delivers, 410 and refused targets stop, the rest retry. */
public sealed interface AttemptOutcome {

    /** The receiver's status code, or null when no response came. */
    Integer statusCode();

    /** A short human reason for a failure; null on success. */
    String error();

    /** A 2xx answer. */
    record Delivered(int code) implements AttemptOutcome {
        public Integer statusCode() {
            return code;
        }

        public String error() {
            return null;
        }
    }

    /** Worth another try; {@code retryAfter} is the receiver's {@code Retry-After} on 429/503, else null. */
    record Failed(Integer statusCode, String error, Duration retryAfter) implements AttemptOutcome {}

    /**
     * Never worth another try: 410 Gone, a refused destination, a URL that cannot be requested, Chis's own send route
     * refusing a loop.
     */
    record Rejected(Integer statusCode, String error) implements AttemptOutcome {}

    /**
     * Judges a response by its status and the headers that matter for what happens next.
     *
     * @param refused the response's {@code Chis-Refused} header: {@code self-loop} when the URL is a Chis send route
     */
    static AttemptOutcome ofResponse(int status, String location, String retryAfter, String refused, Instant now) {
        if (status >= 200 && status < 300) return new Delivered(status);
        if (status == 410) return new Rejected(status, "HTTP 410 Gone: the receiver asked to stop retrying");
        if (status == 422 && WebhookHeaders.SELF_LOOP.equalsIgnoreCase(refused)) {
            return new Rejected(
                    status,
                    "HTTP 422 from a Chis send route, which refuses webhooks Chis delivers (a loop):"
                            + " point the endpoint at a receiver, not at POST /webhook/send");
        }
        if (status >= 300 && status < 400) {
            return new Failed(
                    status,
                    "HTTP " + status + " redirect" + (location == null ? "" : " to " + location) + " not followed",
                    null);
        }
        Duration wait = status == 429 || status == 503 ? parseRetryAfter(retryAfter, now) : null;
        return new Failed(status, "HTTP " + status, wait);
    }

    /** Judges an attempt that got no response. */
    static AttemptOutcome ofError(Throwable error, Duration timeout) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TargetRefusedException refused) return new Rejected(null, refused.getMessage());
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new Failed(null, "no complete response within " + timeout.toMillis() + " ms (timeout)", null);
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null
                ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return new Failed(null, message, null);
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) return null;
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
