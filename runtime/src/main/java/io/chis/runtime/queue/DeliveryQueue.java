package io.chis.runtime.queue;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Redis fast path: a stream of delivery ids read by the workers' consumer group. Only ids travel through
 * Redis; PostgreSQL holds everything else, so whatever Redis loses can be queued again from there.
 */
@Component
public class DeliveryQueue {

    public static final String STREAM = "chis:deliveries";
    public static final String GROUP = "chis-workers";
    public static final String FIELD = "d";

    private final StatefulRedisConnection<String, String> redis;

    public DeliveryQueue(StatefulRedisConnection<String, String> redis) {
        this.redis = redis;
    }

    /** Appends the ids to the stream; Lettuce pipelines the XADDs on the shared connection. */
    public Mono<Void> enqueue(Collection<UUID> deliveryIds) {
        return Flux.fromIterable(deliveryIds)
                .flatMap(id -> redis.reactive().xadd(STREAM, Map.of(FIELD, id.toString())))
                .then();
    }
}
