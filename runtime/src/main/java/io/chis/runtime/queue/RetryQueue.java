package io.chis.runtime.queue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Deliveries waiting for their next attempt: a Redis sorted set of delivery ids scored by due time (epoch ms).
 * Due ids move to the delivery stream in one Lua script, so schedulers running side by side never move an id
 * twice. Like the stream, it is only the fast path: PostgreSQL's {@code next_attempt_at} is the record.
 */
@Component
public class RetryQueue {

    public static final String KEY = "chis:retries";

    // Atomic: an id leaves the set exactly when it enters the stream, whichever scheduler runs it.
    private static final String MOVE_DUE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, id in ipairs(due) do
              redis.call('XADD', KEYS[2], '*', ARGV[3], id)
              redis.call('ZREM', KEYS[1], id)
            end
            return #due""";

    private final StatefulRedisConnection<String, String> redis;

    public RetryQueue(StatefulRedisConnection<String, String> redis) {
        this.redis = redis;
    }

    /** Schedules the delivery's next attempt; scheduling it again only moves its due time. */
    public Mono<Void> schedule(UUID deliveryId, Instant due) {
        return redis.reactive()
                .zadd(KEY, (double) due.toEpochMilli(), deliveryId.toString())
                .then();
    }

    /** Moves up to {@code limit} ids due by {@code now} into the delivery stream; returns how many moved. */
    public Mono<Long> moveDue(Instant now, int limit) {
        return redis.reactive()
                .<Long>eval(
                        MOVE_DUE,
                        ScriptOutputType.INTEGER,
                        new String[] {KEY, DeliveryQueue.STREAM},
                        String.valueOf(now.toEpochMilli()),
                        String.valueOf(limit),
                        DeliveryQueue.FIELD)
                .next()
                .defaultIfEmpty(0L);
    }

    /** How many deliveries wait for a later attempt. */
    public Mono<Long> size() {
        return redis.reactive().zcard(KEY);
    }
}
