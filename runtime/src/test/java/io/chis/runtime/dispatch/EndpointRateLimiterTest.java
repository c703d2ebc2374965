package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.config.SharedRedisConnection;
import io.chis.runtime.dispatch.EndpointRateLimiter.Permit;
import io.chis.runtime.testing.TestRuntime;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With Redis unreachable, an endpoint's attempts are paced in this process instead of held back or let through. */
class EndpointRateLimiterTest {

    @Test
    void withoutRedisAttemptsArePacedAtTheEndpointsRateInThisProcess() {
        RedisURI nowhere = RedisURI.create("redis://127.0.0.1:" + TestRuntime.freePort());
        RedisClient client = RedisClient.create(nowhere);
        try (SharedRedisConnection redis = new SharedRedisConnection(client, nowhere)) {
            EndpointRateLimiter limiter = new EndpointRateLimiter(redis);
            UUID endpoint = UUID.randomUUID();

            // one attempt per 10 s: the next slot is far enough away that a slow machine still sees it ahead
            assertThat(limiter.pace(endpoint, 0.1, UUID.randomUUID()).block()).isEqualTo(new Permit.Go(Duration.ZERO));
            Permit second = limiter.pace(endpoint, 0.1, UUID.randomUUID()).block();
            assertThat(second).isInstanceOf(Permit.Later.class);
            assertThat(((Permit.Later) second).delay())
                    .isGreaterThan(Duration.ofSeconds(5))
                    .isLessThanOrEqualTo(Duration.ofSeconds(10));

            assertThat(limiter.pace(UUID.randomUUID(), 0.1, UUID.randomUUID()).block())
                    .as("another endpoint has slots of its own")
                    .isEqualTo(new Permit.Go(Duration.ZERO));
        } finally {
            client.shutdown();
        }
    }
}
