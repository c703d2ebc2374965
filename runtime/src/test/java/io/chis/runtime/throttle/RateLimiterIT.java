package io.chis.runtime.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.config.SharedRedisConnection;
import io.chis.runtime.testing.TestStores;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Counts shared in a real Redis, and kept in the process while Redis is unreachable. */
class RateLimiterIT {

    static final Rate THREE_PER_MINUTE = new Rate(3, Duration.ofMinutes(1));

    @Test
    void twoLimitersOnOneRedisShareTheCountAndCheckDoesNotCount() {
        RedisClient client = RedisClient.create(TestStores.newRedis());
        try (var first = client.connect();
                var second = client.connect()) {
            RateLimiter a = new RateLimiter(SharedRedisConnection.of(first));
            RateLimiter b = new RateLimiter(SharedRedisConnection.of(second));
            assertThat(a.consume("k", THREE_PER_MINUTE).block().allowed()).isTrue();
            assertThat(b.consume("k", THREE_PER_MINUTE).block().allowed()).isTrue();
            assertThat(a.check("k", THREE_PER_MINUTE).block().allowed()).isTrue();
            assertThat(b.consume("k", THREE_PER_MINUTE).block().allowed()).isTrue();
            RateLimiter.Decision over = a.consume("k", THREE_PER_MINUTE).block();
            assertThat(over.allowed()).isFalse();
            assertThat(over.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
            assertThat(b.check("k", THREE_PER_MINUTE).block().allowed()).isFalse();
            assertThat(a.consume("other", THREE_PER_MINUTE).block().allowed()).isTrue();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withRedisGoneTheProcessKeepsCountingOnItsOwn() {
        RedisClient client = RedisClient.create(TestStores.newRedis());
        var connection = client.connect();
        RateLimiter limiter = new RateLimiter(SharedRedisConnection.of(connection));
        connection.close(); // every command now fails at once
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(limiter.consume("gone", THREE_PER_MINUTE).block().allowed())
                        .isTrue();
            }
            assertThat(limiter.consume("gone", THREE_PER_MINUTE).block().allowed())
                    .isFalse();
        } finally {
            client.shutdown();
        }
    }
}
