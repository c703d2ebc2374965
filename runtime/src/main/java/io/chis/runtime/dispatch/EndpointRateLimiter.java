package io.chis.runtime.dispatch;

import io.chis.runtime.config.SharedRedisConnection;
import io.chis.runtime.support.OutageLog;
import io.chis.runtime.throttle.LocalPacing;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Paces attempts to one endpoint across every worker: each attempt reserves the next free slot of the endpoint's
 * schedule in Redis (slots {@code 1 / rate} apart, in Redis's clock), so the limit holds however many workers run.
 * A slot within {@link #MAX_WAIT} is waited for in the worker; a later one is remembered for the delivery, which
 * goes back to the retry set and returns {@link #LEAD} before its slot, so it is sent on time without reserving again.
 */
@Component
public class EndpointRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(EndpointRateLimiter.class);

    /** Longest wait a worker spends holding a delivery; later slots free the worker for other endpoints. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** How early a deferred delivery comes back, covering the scheduler's tick. */
    public static final Duration LEAD = Duration.ofMillis(500);
    // a Redis that does not answer in this long is treated as down for this attempt
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    // KEYS: the endpoint's next free slot, this delivery's reserved slot. ARGV: slot spacing ms, max wait ms.
    // Returns {1, wait ms} to go after waiting, or {0, wait ms} when the delivery must come back later.
    private static final String RESERVE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local maxWait = tonumber(ARGV[2])
            local slot = tonumber(redis.call('GET', KEYS[2]))
            if slot then
              local wait = math.max(0, slot - now)
              if wait > maxWait then return {0, wait} end
              redis.call('DEL', KEYS[2])
              return {1, wait}
            end
            local next = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
            local wait = next - now
            redis.call('SET', KEYS[1], next + interval, 'PX', wait + interval + 60000)
            if wait > maxWait then
              redis.call('SET', KEYS[2], next, 'PX', wait + 600000)
              return {0, wait}
            end
            return {1, wait}""";

    /** What the worker does with a delivery: send it after {@code after}, or put it back for {@code delay}. */
    public sealed interface Permit {
        record Go(Duration after) implements Permit {}

        record Later(Duration delay) implements Permit {}
    }

    private final SharedRedisConnection redis;
    private final LocalPacing local = new LocalPacing(MAX_WAIT);
    private final OutageLog fallback = new OutageLog(
            log,
            "Endpoint rate limits counted in this process only while Redis does not answer",
            "Endpoint rate limits shared in Redis again");

    public EndpointRateLimiter(SharedRedisConnection redis) {
        this.redis = redis;
    }

    /**
     * When this delivery may go: at once when it has no endpoint or the endpoint no limit, else after a slot
     * {@link #reserve reserved} for it. While Redis does not answer, slots are kept in this process instead, so
     * deliveries go on at the endpoint's rate per worker process rather than stop or go unpaced.
     */
    public Mono<Permit> pace(UUID endpointId, double perSecond, UUID deliveryId) {
        if (endpointId == null || perSecond <= 0) return Mono.just(new Permit.Go(Duration.ZERO));
        return reserve(endpointId, perSecond, deliveryId)
                .timeout(REDIS_TIMEOUT)
                .doOnNext(shared -> fallback.succeeded())
                .onErrorResume(e -> {
                    fallback.failed(e);
                    LocalPacing.Slot slot = local.reserve(endpointId, perSecond);
                    return Mono.just(slot.go() ? new Permit.Go(slot.after()) : new Permit.Later(slot.after()));
                });
    }

    /** Reserves a slot for this delivery at {@code perSecond} attempts per second to the endpoint. */
    private Mono<Permit> reserve(UUID endpointId, double perSecond, UUID deliveryId) {
        long interval = Math.max(1, Math.round(1000.0 / perSecond));
        return redis.reactive()
                .flatMap(commands -> commands.<List<Long>>eval(
                                RESERVE,
                                ScriptOutputType.MULTI,
                                new String[] {"chis:rate:" + endpointId, "chis:rate-slot:" + deliveryId},
                                String.valueOf(interval),
                                String.valueOf(MAX_WAIT.toMillis()))
                        .next())
                .map(reply -> permit(reply.get(0) == 1L, Duration.ofMillis(reply.get(1))));
    }

    /** Pure: a deferred delivery comes back {@link #LEAD} before its slot and waits the rest in the worker. */
    static Permit permit(boolean go, Duration wait) {
        return go ? new Permit.Go(wait) : new Permit.Later(wait.minus(LEAD));
    }
}
