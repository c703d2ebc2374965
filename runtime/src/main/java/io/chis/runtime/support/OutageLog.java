package io.chis.runtime.support;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The log of something that fails while a store is down (a queue read, a scheduler task, a limiter counting in Redis):
 * one WARN when it starts failing, one INFO when it works again, DEBUG in between — never a line per failing try.
 */
public final class OutageLog {

    private static final long WORKING = Long.MIN_VALUE;

    private final Logger log;
    private final String failing;
    private final String working;
    private final LongSupplier nanoTime;
    private final AtomicLong failingSince = new AtomicLong(WORKING);

    /**
     * @param failing what is wrong while it fails ("Worker cannot read the delivery queue"); the cause is appended
     * @param working what is true again once it works ("Worker reads the delivery queue again")
     */
    public OutageLog(Logger log, String failing, String working) {
        this(log, failing, working, System::nanoTime);
    }

    OutageLog(Logger log, String failing, String working, LongSupplier nanoTime) {
        this.log = log;
        this.failing = failing;
        this.working = working;
        this.nanoTime = nanoTime;
    }

    /** It failed: logged at WARN if it worked until now, else at DEBUG. */
    public void failed(Throwable why) {
        if (failingSince.compareAndSet(WORKING, nanoTime.getAsLong())) log.warn("{} ({})", failing, why.toString());
        else log.debug("Still: {} ({})", failing, why.toString());
    }

    /** It worked: logged at INFO, with how long it had failed, if it failed until now. */
    public void succeeded() {
        if (failingSince.get() == WORKING) return;
        long since = failingSince.getAndSet(WORKING);
        if (since != WORKING) log.info("{} after {} s", working, (nanoTime.getAsLong() - since) / 1_000_000_000L);
    }

    public boolean failing() {
        return failingSince.get() != WORKING;
    }
}
