package io.chis.runtime.dispatch;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Caps the requests one worker has in flight to one destination host ({@code CHIS_HOST_CONCURRENCY}), so a receiver
 * that stalls holds at most that share of the worker's slots. A delivery over the cap gives its worker slot back
 * ({@link Slot#park}) and waits up to {@link #WAIT} for the host's next free place, which a finishing request hands
 * over in arrival order; one that still finds the host busy is deferred without counting an attempt.
 */
final class HostGate {

    /** How long a delivery over its host's cap waits in the worker before it is deferred. */
    static final Duration WAIT = Duration.ofSeconds(1);
    /** The shortest deferral; a host busy for longer defers its deliveries about as long as it has been busy. */
    static final Duration MIN_DEFERRAL = Duration.ofSeconds(1);

    private final int perHost;
    private final Duration wait;
    private final Duration maxDeferral;
    private final LongSupplier nanoTime;
    private final Map<String, Host> hosts = new HashMap<>();

    private static final class Host {
        int inFlight;
        long busySince = -1; // when a delivery was last deferred after a free entry; -1 while none has been
        final ArrayDeque<Turn> waiting = new ArrayDeque<>();
    }

    /** A delivery waiting for its host; settled once it is handed a place or gives up (guarded by the gate). */
    private static final class Turn {
        final Sinks.One<Boolean> granted = Sinks.one();
        boolean settled;
    }

    /**
     * @param perHost     requests in flight to one host
     * @param maxDeferral the longest deferral: the attempt timeout, after which every place of the host has turned over
     */
    HostGate(int perHost, Duration maxDeferral) {
        this(perHost, WAIT, maxDeferral, System::nanoTime);
    }

    HostGate(int perHost, Duration wait, Duration maxDeferral, LongSupplier nanoTime) {
        this.perHost = perHost;
        this.wait = wait;
        this.maxDeferral = maxDeferral.compareTo(MIN_DEFERRAL) < 0 ? MIN_DEFERRAL : maxDeferral;
        this.nanoTime = nanoTime;
    }

    /** The host a delivery's request goes to, lower-cased; null for a URL without one (it is refused later). */
    static String hostOf(String url) {
        try {
            String host = new URI(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Emits true once the delivery holds one of the host's places (give it back with {@link #leave}), false when it
     * is to be deferred: the host stayed full for {@link #WAIT}, or the worker has no room to park it.
     */
    Mono<Boolean> enter(String host, Slot slot) {
        if (host == null) return Mono.just(true);
        Turn turn = new Turn();
        synchronized (this) {
            Host h = hosts.computeIfAbsent(host, k -> new Host());
            if (h.inFlight < perHost) {
                h.inFlight++;
                h.busySince = -1;
                return Mono.just(true);
            }
            if (!slot.park()) return Mono.just(false);
            h.waiting.add(turn);
        }
        return turn.granted
                .asMono()
                .timeout(wait, Mono.defer(() -> withdraw(host, turn) ? Mono.just(false) : turn.granted.asMono()))
                // stopped while waiting: a place handed over meanwhile goes to the next in line
                .doOnCancel(() -> {
                    if (!withdraw(host, turn)) leave(host);
                });
    }

    /** Gives back a place: to the longest-waiting delivery for the host, if any. */
    void leave(String host) {
        if (host == null) return;
        Turn next;
        synchronized (this) {
            Host h = hosts.get(host);
            if (h == null) return;
            next = h.waiting.poll();
            if (next != null) next.settled = true;
            else if (--h.inFlight == 0) hosts.remove(host);
        }
        // outside the lock: the delivery's attempt starts on this thread
        if (next != null) next.granted.tryEmitValue(true);
    }

    /** How long a delivery the host could not take stays away: as long as the host has been full, within bounds. */
    Duration deferral(String host) {
        long busyNanos = 0;
        synchronized (this) {
            Host h = host == null ? null : hosts.get(host);
            if (h != null) {
                long now = nanoTime.getAsLong();
                if (h.busySince < 0) h.busySince = now;
                busyNanos = now - h.busySince;
            }
        }
        long millis = Math.clamp(busyNanos / 1_000_000, MIN_DEFERRAL.toMillis(), maxDeferral.toMillis());
        // spread out, so deferred deliveries do not all come back at once
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    /** Requests in flight to the host (for tests and logs). */
    synchronized int inFlight(String host) {
        Host h = hosts.get(host);
        return h == null ? 0 : h.inFlight;
    }

    private synchronized boolean withdraw(String host, Turn turn) {
        if (turn.settled) return false;
        turn.settled = true;
        Host h = hosts.get(host);
        if (h != null) h.waiting.remove(turn);
        return true;
    }
}
