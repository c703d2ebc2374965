package io.chis.runtime.dispatch;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Caps the requests one worker has in flight to one destination host ({@code CHIS_HOST_CONCURRENCY}), and to one
 * endpoint at half that, so a receiver that stalls holds at most that share of the worker's slots, and one endpoint's
 * stalled path at most half of a host many endpoints share (a SaaS hook URL). A delivery over a cap gives its worker
 * slot back ({@link Slot#park}) and waits up to {@link #WAIT} for the next free place, which a finishing request
 * hands over in arrival order; one that still finds no place is deferred without counting an attempt.
 */
final class HostGate {

    /** How long a delivery over a cap waits in the worker for each place before it is deferred. */
    static final Duration WAIT = Duration.ofSeconds(1);
    /** The shortest deferral; a host busy for longer defers its deliveries about as long as it has been busy. */
    static final Duration MIN_DEFERRAL = Duration.ofSeconds(1);

    private final Places<UUID> endpoints;
    private final Places<String> hosts;

    /** Whether a delivery holds its places ({@link #leave} them after the request), or how long to stay away. */
    sealed interface Admission {
        Admission ENTERED = new Entered();

        record Entered() implements Admission {}

        record Deferred(Duration after) implements Admission {}
    }

    /**
     * @param perHost     requests in flight to one host; half of it (at least 1) to one endpoint
     * @param maxDeferral the longest deferral: the attempt timeout, after which every place of the host has turned over
     */
    HostGate(int perHost, Duration maxDeferral) {
        this(perHost, WAIT, maxDeferral, System::nanoTime);
    }

    HostGate(int perHost, Duration wait, Duration maxDeferral, LongSupplier nanoTime) {
        Duration longest = maxDeferral.compareTo(MIN_DEFERRAL) < 0 ? MIN_DEFERRAL : maxDeferral;
        this.endpoints = new Places<>(perEndpoint(perHost), wait, longest, nanoTime);
        this.hosts = new Places<>(perHost, wait, longest, nanoTime);
    }

    /**
     * Requests in flight to one endpoint: half the host's, so one endpoint's stalled path leaves at least half of a
     * shared host to its other endpoints, while a host with a single endpoint still gets half its cap.
     */
    static int perEndpoint(int perHost) {
        return Math.max(1, perHost / 2);
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
     * Takes a place at the endpoint (none for a URL send, capped by its host alone), then at the host: emits {@link
     * Admission#ENTERED} once the delivery holds both, or how long to defer it when one stayed full for {@link #WAIT}
     * or the worker had no room to park it (then it holds neither).
     */
    Mono<Admission> enter(String host, UUID endpoint, Slot slot) {
        return endpoints.enter(endpoint, slot).flatMap(atEndpoint -> {
            if (atEndpoint instanceof Admission.Deferred) return Mono.just(atEndpoint);
            return hosts.enter(host, slot)
                    // stopped while waiting for the host: the endpoint's place is not used
                    .doOnCancel(() -> endpoints.leave(endpoint))
                    .doOnNext(atHost -> {
                        if (atHost instanceof Admission.Deferred) endpoints.leave(endpoint);
                    });
        });
    }

    /** Gives back the places of a request that ended. */
    void leave(String host, UUID endpoint) {
        hosts.leave(host);
        endpoints.leave(endpoint);
    }

    /** Requests in flight to the host (for tests and logs). */
    int inFlight(String host) {
        return hosts.inFlight(host);
    }

    /** Requests in flight to the endpoint (for tests and logs). */
    int inFlight(UUID endpoint) {
        return endpoints.inFlight(endpoint);
    }

    /** Places of one kind (hosts, endpoints): a cap per key, handed over to waiting deliveries in turn. */
    private static final class Places<K> {
        private final int cap;
        private final Duration wait;
        private final Duration maxDeferral;
        private final LongSupplier nanoTime;
        private final Map<K, Key> keys = new HashMap<>();

        private static final class Key {
            int inFlight;
            long busySince = -1; // when a delivery was last deferred after a free entry; -1 while none has been
            final ArrayDeque<Turn> waiting = new ArrayDeque<>();
        }

        /** A delivery waiting for a place; settled once it is handed one or gives up (guarded by the places). */
        private static final class Turn {
            final Sinks.One<Boolean> granted = Sinks.one();
            boolean settled;
        }

        Places(int cap, Duration wait, Duration maxDeferral, LongSupplier nanoTime) {
            this.cap = cap;
            this.wait = wait;
            this.maxDeferral = maxDeferral;
            this.nanoTime = nanoTime;
        }

        Mono<Admission> enter(K key, Slot slot) {
            if (key == null) return Mono.just(Admission.ENTERED);
            Turn turn = new Turn();
            synchronized (this) {
                Key k = keys.computeIfAbsent(key, x -> new Key());
                if (k.inFlight < cap) {
                    k.inFlight++;
                    k.busySince = -1;
                    return Mono.just(Admission.ENTERED);
                }
                if (!slot.park()) return Mono.fromSupplier(() -> deferred(key));
                k.waiting.add(turn);
            }
            return turn.granted
                    .asMono()
                    .timeout(wait, Mono.defer(() -> withdraw(key, turn) ? Mono.just(false) : turn.granted.asMono()))
                    .map(granted -> granted ? Admission.ENTERED : deferred(key))
                    // stopped while waiting: a place handed over meanwhile goes to the next in line
                    .doOnCancel(() -> {
                        if (!withdraw(key, turn)) leave(key);
                    });
        }

        void leave(K key) {
            if (key == null) return;
            Turn next;
            synchronized (this) {
                Key k = keys.get(key);
                if (k == null) return;
                next = k.waiting.poll();
                if (next != null) next.settled = true;
                else if (--k.inFlight == 0) keys.remove(key);
            }
            // outside the lock: the delivery's attempt starts on this thread
            if (next != null) next.granted.tryEmitValue(true);
        }

        /** How long a delivery the key could not take stays away: as long as the key has been full, within bounds. */
        private Admission deferred(K key) {
            long busyNanos = 0;
            synchronized (this) {
                Key k = keys.get(key);
                if (k != null) {
                    long now = nanoTime.getAsLong();
                    if (k.busySince < 0) k.busySince = now;
                    busyNanos = now - k.busySince;
                }
            }
            long millis = Math.clamp(busyNanos / 1_000_000, MIN_DEFERRAL.toMillis(), maxDeferral.toMillis());
            // spread out, so deferred deliveries do not all come back at once
            return new Admission.Deferred(
                    Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1)));
        }

        synchronized int inFlight(K key) {
            Key k = keys.get(key);
            return k == null ? 0 : k.inFlight;
        }

        private synchronized boolean withdraw(K key, Turn turn) {
            if (turn.settled) return false;
            turn.settled = true;
            Key k = keys.get(key);
            if (k != null) k.waiting.remove(turn);
            return true;
        }
    }
}
