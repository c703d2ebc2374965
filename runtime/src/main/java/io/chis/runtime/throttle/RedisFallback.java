package io.chis.runtime.throttle;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Whether a limiter that lives in Redis is counting in this process meanwhile; logs each switch once (Redis stopped
 * answering, Redis is back), never once per request.
 */
public final class RedisFallback {

    private final Logger log;
    private final String limits;
    private final AtomicBoolean local = new AtomicBoolean();

    /** @param limits what is limited, for the log ("Rate limits", "Endpoint rate limits") */
    public RedisFallback(Logger log, String limits) {
        this.log = log;
        this.limits = limits;
    }

    /** Redis did not answer: this process limits on its own until it does. */
    public void fellBack(Throwable why) {
        if (local.compareAndSet(false, true)) {
            log.warn("{} counted in this process only while Redis does not answer ({})", limits, why.toString());
        }
    }

    /** Redis answered. */
    public void shared() {
        if (local.compareAndSet(true, false)) log.info("{} shared in Redis again", limits);
    }

    public boolean local() {
        return local.get();
    }
}
