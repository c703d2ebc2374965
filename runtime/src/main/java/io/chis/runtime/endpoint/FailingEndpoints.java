package io.chis.runtime.endpoint;

import io.chis.common.Durations;
import io.chis.runtime.endpoint.EndpointRepository.Failing;
import io.chis.runtime.operational.OperationalEvents;
import io.chis.runtime.operational.OperationalEvents.DisableCause;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@code CHIS_ENDPOINT_DISABLE_AFTER}: an endpoint whose attempts have all failed for that long is disabled, with
 * {@code disabledReason} saying since when and the last error, and a {@code chis.endpoint.disabled} event (cause
 * {@code failing}). It is turned back on like after a 410: {@code PUT} with {@code disabled:false}, or a change to its
 * resource. The scheduler runs {@link #disableDue} every {@link #period()}.
 */
public class FailingEndpoints {

    private static final Logger log = LoggerFactory.getLogger(FailingEndpoints.class);

    private final EndpointRepository endpoints;
    private final OperationalEvents operational;
    private final Duration window;

    public FailingEndpoints(EndpointRepository endpoints, OperationalEvents operational, Duration window) {
        this.endpoints = endpoints;
        this.operational = operational;
        this.window = window;
    }

    /** Zero never disables an endpoint (the attempt buckets are still pruned). */
    public boolean disables() {
        return !window.isZero();
    }

    /** A quarter of the window, between 1 second and 1 minute: an endpoint is disabled soon after its time is up. */
    public Duration period() {
        Duration quarter = window.dividedBy(4);
        if (window.isZero() || quarter.compareTo(Duration.ofMinutes(1)) > 0) return Duration.ofMinutes(1);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quarter;
    }

    /** Disables every endpoint failing past the window; the number disabled by this run. */
    public Mono<Long> disableDue() {
        Mono<Long> disabled = !disables()
                ? Mono.just(0L)
                : endpoints
                        .failingLongerThan(window)
                        .concatMap(failing -> endpoints
                                .lastError(failing.id(), failing.lastFailureAt())
                                .defaultIfEmpty(lastStatus(failing))
                                .flatMap(error -> disable(failing, reason(failing, error, window))))
                        .filter(changed -> changed)
                        .count();
        return disabled.flatMap(n -> endpoints.pruneAttemptBuckets().thenReturn(n));
    }

    private Mono<Boolean> disable(Failing failing, String reason) {
        return endpoints.disable(failing.id(), reason).flatMap(changed -> {
            if (!changed) return Mono.just(false);
            log.warn("Endpoint {} disabled: {}", failing.id(), reason);
            return endpoints
                    .findById(failing.id())
                    .flatMap(e -> operational.endpointDisabled(e, DisableCause.FAILING, reason))
                    .thenReturn(true);
        });
    }

    /** Pure: the {@code disabledReason} of an endpoint disabled for failing past the window. */
    static String reason(Failing failing, String lastError, Duration window) {
        String since = failing.lastSuccessAt() == null
                ? "no successful attempt ever"
                : "no successful attempt since " + failing.lastSuccessAt();
        return since + "; every attempt failed since " + failing.failingSince() + " (" + failing.consecutiveFailures()
                + " in a row, longer than CHIS_ENDPOINT_DISABLE_AFTER " + Durations.format(window) + "); last error at "
                + failing.lastFailureAt() + ": " + lastError;
    }

    private static String lastStatus(Failing failing) {
        return failing.lastStatusCode() == null ? "no HTTP answer" : "HTTP " + failing.lastStatusCode();
    }
}
