package io.chis.runtime.support;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What a database lookup on the send path found, remembered for a few seconds so that a burst of requests reads it
 * once. Concurrent misses of one key share a single lookup. {@link #forget} takes effect at once in this process,
 * even for a lookup already under way (its answer is handed to the requests waiting for it but not remembered), so the
 * process that changes a row sees the change on its next request; other processes see it within the time to live.
 */
public final class RecentLookups<K, V> {

    private final AsyncCache<K, Optional<V>> cache;
    private final boolean rememberAbsent;
    private final LongAdder lookups = new LongAdder();

    /**
     * @param rememberAbsent whether "not found" is remembered too; worth it where most lookups find nothing
     */
    public RecentLookups(Duration timeToLive, long maxEntries, boolean rememberAbsent) {
        this(timeToLive, maxEntries, rememberAbsent, Ticker.systemTicker());
    }

    RecentLookups(Duration timeToLive, long maxEntries, boolean rememberAbsent, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(timeToLive)
                .maximumSize(maxEntries)
                .ticker(ticker)
                .buildAsync();
        this.rememberAbsent = rememberAbsent;
    }

    /** The remembered answer for the key, or the lookup's (empty = not found); a failed lookup is not remembered. */
    public Mono<V> get(K key, Function<K, Mono<V>> lookup) {
        return Mono.defer(() -> remembered(key, lookup));
    }

    private Mono<V> remembered(K key, Function<K, Mono<V>> lookup) {
        CompletableFuture<Optional<V>> found = cache.get(key, (k, executor) -> {
            lookups.increment();
            return lookup.apply(k)
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .toFuture();
        });
        if (!rememberAbsent) {
            found.thenAccept(v -> {
                if (v.isEmpty()) cache.asMap().remove(key, found);
            });
        }
        // one caller going away must not cancel the lookup others wait for
        return Mono.fromFuture(found, true).flatMap(Mono::justOrEmpty);
    }

    public void forget(K key) {
        cache.synchronous().invalidate(key);
    }

    public void forgetAll() {
        cache.synchronous().invalidateAll();
    }

    /** How many lookups ran since this process started: requests answered from memory do not count. */
    public long lookups() {
        return lookups.sum();
    }
}
