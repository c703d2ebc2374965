package io.chis.runtime.config;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The process's shared, pipelined Redis connection, opened on first use rather than at startup, so that every role
 * starts and serves while Redis is down (PostgreSQL holds the work; the sweep queues it later). A failed connect is
 * answered as failed for {@link #RETRY_EVERY} before the next try, so commands fail fast instead of each waiting on a
 * connect; once open, Lettuce reconnects it by itself.
 */
public final class SharedRedisConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedRedisConnection.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    // Reactor's cache treats this as "for ever"
    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final Mono<StatefulRedisConnection<String, String>> connection;
    private volatile StatefulRedisConnection<String, String> open;

    public SharedRedisConnection(RedisClient client, RedisURI uri) {
        this(() -> client.connectAsync(StringCodec.UTF8, uri));
    }

    private SharedRedisConnection(
            Supplier<? extends CompletionStage<StatefulRedisConnection<String, String>>> connect) {
        this.connection = Mono.defer(() -> Mono.fromCompletionStage(connect.get()))
                .doOnNext(c -> {
                    open = c;
                    log.debug("Connected to Redis");
                })
                .cache(c -> FOREVER, failed -> RETRY_EVERY, () -> Duration.ZERO);
    }

    /** Over a connection that is already open (tests). */
    public static SharedRedisConnection of(StatefulRedisConnection<String, String> connection) {
        return new SharedRedisConnection(() -> CompletableFuture.completedFuture(connection));
    }

    /** The connection's commands; fails (a {@code RedisConnectionException}) while Redis cannot be reached. */
    public Mono<RedisReactiveCommands<String, String>> reactive() {
        return connection.map(StatefulRedisConnection::reactive);
    }

    /** Starts connecting now, so the first request does not wait for it; a failure is left to the next use. */
    public void connectSoon() {
        connection.subscribe(c -> {}, failed -> {});
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = open;
        if (c != null) c.close();
    }
}
