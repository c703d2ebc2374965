package io.chis.runtime.support;

import java.time.Duration;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * How workers and the scheduler wait between tries against a store that is down: 100 ms, doubling, at most 5 s,
 * so an outage costs neither a spinning CPU nor more than a few seconds once the store is back.
 */
public final class Backoff {

    public static final Duration FIRST = Duration.ofMillis(100);
    public static final Duration MAX = Duration.ofSeconds(5);

    private Duration current = Duration.ZERO;

    /** The wait before the next try, after one more failure. */
    public synchronized Duration failed() {
        current = current.isZero() ? FIRST : current.multipliedBy(2).compareTo(MAX) > 0 ? MAX : current.multipliedBy(2);
        return current;
    }

    public synchronized void succeeded() {
        current = Duration.ZERO;
    }

    /** Retries a step while its store is unavailable (other errors pass at once), for at most {@code within}. */
    public static RetryBackoffSpec whileUnavailable(Duration within) {
        // 100 ms doubling to 5 s: this many tries span about `within`
        long tries = 6 + Math.max(0, within.minusSeconds(6).toSeconds() / MAX.toSeconds());
        return Retry.backoff(tries, FIRST)
                .maxBackoff(MAX)
                .filter(StoreOutage::is)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }
}
