package io.chis.runtime.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.SteadyLoad;
import io.chis.runtime.testing.TestRuntime;
import io.chis.stores.EmbeddedStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 20 s under a steady send load, then started again on the same port and data: every send is
 * answered 202 or 503 (never 500/502), every 202 reaches the receiver, and the workers resume within 10 s.
 */
class PostgresOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void sendsAreAnswered202Or503AndEvery202IsDeliveredAfterPostgresComesBack() throws Exception {
        Path dir = Files.createTempDirectory("chis-pg-outage");
        int pgPort = TestRuntime.freePort();
        int unusedRedisPort = TestRuntime.freePort();
        // a PostgreSQL of its own that this test stops and starts (its Redis goes unused: the runtime's is TestStores')
        EmbeddedStores postgres = EmbeddedStores.start(dir, pgPort, unusedRedisPort, false);
        Map<String, String> env = TestRuntime.environment();
        env.put("DATABASE_URL", postgres.databaseUrl());
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                ChisRuntime runtime = TestRuntime.start(env)) {
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String body = "{\"url\":\"" + receiver.url("/hook") + "\",\"payload\":{\"n\":1}}";

            SteadyLoad load = SteadyLoad.start(runtime.settings().httpPort(), key, body);
            Set<String> accepted = load.accepted();
            load.awaitAccepted(20, Duration.ofSeconds(10));

            postgres.close();
            Thread.sleep(OUTAGE.toMillis()); // the injected fault: PostgreSQL is gone this long
            postgres = EmbeddedStores.start(dir, pgPort, unusedRedisPort, false);
            long back = System.nanoTime();

            // the workers resume: something accepted after the restart is delivered within 10 s of it
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String id = api.send(key, body);
                accepted.add(id);
                return !receiver.requestsFor(id).isEmpty();
            });
            assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(10));
            load.assertAnswered(503);
            assertThat(load.answers()).contains(503); // the outage was seen
            SteadyLoad.assertDeliveredExactlyOnce(receiver, accepted, Duration.ofSeconds(60));
        } finally {
            postgres.close();
        }
    }
}
