package io.chis.runtime.throttle;

import io.chis.runtime.config.SharedRedisConnection;
import io.chis.runtime.support.OutageLog;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters shared by every api replica in Redis ({@code chis:rate:<key>}); while Redis cannot be reached,
 * each process counts in its own memory, so the limits loosen by the number of replicas but never vanish.
 */
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
    private static final int MAX_LOCAL_KEYS = 100_000;
    // count (optionally +1) and the window's remaining time; the first hit starts the window
    private static final String SCRIPT = """
            local n = tonumber(redis.call('GET', KEYS[1]) or '0')
            if ARGV[2] == '1' then
              n = redis.call('INCR', KEYS[1])
              if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then ttl = tonumber(ARGV[1]) end
            return {n, ttl}""";

    /** {@code retryAfter} is when the window ends; meaningful when not allowed. */
    public record Decision(boolean allowed, Duration retryAfter) {}

    private record Window(long endsAtNanos, AtomicLong count) {}

    private final SharedRedisConnection redis;
    private final ConcurrentHashMap<String, Window> local = new ConcurrentHashMap<>();
    private final OutageLog fallback = new OutageLog(
            log,
            "Rate limits counted in this process only while Redis does not answer",
            "Rate limits shared in Redis again");

    public RateLimiter(SharedRedisConnection redis) {
        this.redis = redis;
    }

    /** Counts one event under the key and says whether it is within the rate. */
    public Mono<Decision> consume(String key, Rate rate) {
        return run(key, rate, true);
    }

    /** Whether the key is still within the rate, without counting anything. */
    public Mono<Decision> check(String key, Rate rate) {
        return run(key, rate, false);
    }

    private Mono<Decision> run(String key, Rate rate, boolean count) {
        long windowMs = rate.window().toMillis();
        return redis.reactive()
                .flatMap(commands -> commands.<List<Long>>eval(
                                SCRIPT,
                                ScriptOutputType.MULTI,
                                new String[] {"chis:rate:" + key},
                                String.valueOf(windowMs),
                                count ? "1" : "0")
                        .next())
                .timeout(REDIS_TIMEOUT)
                .doOnNext(shared -> fallback.succeeded())
                .map(result -> decide(result.get(0), count, rate, Duration.ofMillis(result.get(1))))
                .onErrorResume(e -> {
                    fallback.failed(e);
                    return Mono.fromSupplier(() -> local(key, rate, count));
                });
    }

    private Decision local(String key, Rate rate, boolean count) {
        long now = System.nanoTime();
        if (local.size() > MAX_LOCAL_KEYS) local.values().removeIf(w -> w.endsAtNanos() - now <= 0);
        Window window = local.compute(
                key,
                (k, w) -> w == null || w.endsAtNanos() - now <= 0
                        ? new Window(now + rate.window().toNanos(), new AtomicLong())
                        : w);
        long n = count ? window.count().incrementAndGet() : window.count().get();
        return decide(n, count, rate, Duration.ofNanos(Math.max(0, window.endsAtNanos() - now)));
    }

    private static Decision decide(long n, boolean counted, Rate rate, Duration remaining) {
        // a count of n includes this event; a check asks whether one more would fit
        boolean allowed = counted ? n <= rate.count() : n < rate.count();
        return new Decision(allowed, remaining);
    }
}
