package io.chis.runtime.throttle;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attempt slots {@code 1 / rate} apart per key, kept in this process: the endpoint rate limiter's stand-in while Redis
 * cannot be reached. Each worker process paces at the full rate, so the limit loosens by the number of worker
 * processes but never vanishes.
 */
public final class LocalPacing {

    private static final int MAX_KEYS = 100_000;

    /** {@code go}: take the slot after {@code after}; otherwise nothing was reserved and the slot is {@code after} away. */
    public record Slot(boolean go, Duration after) {}

    /** The rule: the next free slot is at {@code nextFree} (or now); a slot further than {@code maxWait} is not taken. */
    record Reservation(Slot slot, long nextFree) {}

    private final ConcurrentHashMap<Object, Long> nextFree = new ConcurrentHashMap<>();
    private final Duration maxWait;

    public LocalPacing(Duration maxWait) {
        this.maxWait = maxWait;
    }

    public Slot reserve(Object key, double perSecond) {
        long now = System.nanoTime();
        if (nextFree.size() > MAX_KEYS) nextFree.values().removeIf(next -> next - now <= 0);
        Slot[] taken = new Slot[1];
        nextFree.compute(key, (k, next) -> {
            Reservation r = reserve(next, now, interval(perSecond), maxWait.toNanos());
            taken[0] = r.slot();
            return r.nextFree();
        });
        return taken[0];
    }

    static long interval(double perSecond) {
        return Math.max(1, Math.round(1_000_000_000.0 / perSecond));
    }

    /** Pure: times in nanoseconds on one clock; {@code next} null when the key has no slot yet. */
    static Reservation reserve(Long next, long now, long interval, long maxWait) {
        long slot = next == null || next - now < 0 ? now : next;
        long wait = slot - now;
        if (wait > maxWait) return new Reservation(new Slot(false, Duration.ofNanos(wait)), slot);
        return new Reservation(new Slot(true, Duration.ofNanos(wait)), slot + interval);
    }
}
