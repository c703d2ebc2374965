package io.chis.runtime.support;

import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;

/** A client-facing error: rendered as RFC 9457 problem+json with this status and detail. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final Duration retryAfter;
    private final List<Violation> violations;

    public ApiException(HttpStatus status, String detail) {
        this(status, detail, null, null);
    }

    /** With {@code retryAfter}, the answer carries a {@code Retry-After} header. */
    public ApiException(HttpStatus status, String detail, Duration retryAfter) {
        this(status, detail, retryAfter, null);
    }

    /** With each thing wrong with the document the request carried, as the problem's {@code violations}. */
    public ApiException(HttpStatus status, String detail, List<Violation> violations) {
        this(status, detail, null, violations);
    }

    private ApiException(HttpStatus status, String detail, Duration retryAfter, List<Violation> violations) {
        super(detail, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.violations = violations;
    }

    public HttpStatus status() {
        return status;
    }

    /** Null when there is no list. */
    public List<Violation> violations() {
        return violations;
    }

    /** Null when the answer says nothing about retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** 429: the caller is over a rate; try again after the window ends. */
    public static ApiException tooManyRequests(String detail, Duration retryAfter) {
        // whole seconds, at least one: Retry-After has no fractions
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, detail, Duration.ofSeconds(seconds));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, detail);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail);
    }
}
