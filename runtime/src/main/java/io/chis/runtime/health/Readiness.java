package io.chis.runtime.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether this pod should receive traffic ({@code GET /readyz}): not while it starts or drains. A shared store
 * outage is not its business: every replica would leave the Service at once, and clients would get connection
 * errors instead of the app's 503 with {@code Retry-After}.
 */
@Component
public class Readiness {

    private static final Logger log = LoggerFactory.getLogger(Readiness.class);

    public enum State {
        STARTING,
        READY,
        DRAINING
    }

    private volatile State state = State.STARTING;

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        if (state == State.STARTING) state = State.READY;
    }

    /** Published as the context begins to close, before any server stops: unready first, then drain. */
    @EventListener(ContextClosedEvent.class)
    void draining() {
        if (state != State.DRAINING) log.info("Shutting down: /readyz answers 503 while in-flight work drains");
        state = State.DRAINING;
    }

    /**
     * The first step of stopping: unready at once, while everything still serves for {@code delay}, the time the
     * Service's endpoints (kube-proxy, ingress) need to stop sending here.
     */
    public void drain(java.time.Duration delay) {
        state = State.DRAINING;
        log.info(
                "Stopping: /readyz answers 503, still serving for {} so that traffic moves elsewhere"
                        + " (CHIS_SHUTDOWN_DELAY), then shutting down",
                io.chis.common.Durations.format(delay));
    }

    public State state() {
        return state;
    }

    public boolean ready() {
        return state == State.READY;
    }
}
