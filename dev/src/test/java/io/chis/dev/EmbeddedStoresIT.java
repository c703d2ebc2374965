package io.chis.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.dev.ChisDev.Dev;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.LocalSecrets;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code make run} relies on: with no DATABASE_URL/REDIS_URL the runtime starts its own PostgreSQL and Redis,
 * keeps their data (and its JWT key) in CHIS_DATA_DIR across restarts, and still accepts webhooks while Redis is down.
 */
class EmbeddedStoresIT {

    @TempDir
    Path dataDir;

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("CHIS_DATA_DIR", dataDir.toString());
        env.put("CHIS_ROLES", "all");
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        return env;
    }

    @Test
    void dataSurvivesARestartAndSendsSurviveRedisBeingDown() throws Exception {
        String key;
        String token;
        String first;
        String second;
        try (Dev dev = ChisDev.start(ChisSettings.fromEnv(env()))) {
            assertThat(dev.stores()).isNotNull();
            Db db = new Db(dev.stores().databaseUrl());
            assertThat(db.query("show fsync").getFirst().get("fsync"))
                    .as("make run's PostgreSQL is durable")
                    .isEqualTo("on");
            assertThat(db.query("show synchronous_commit").getFirst().get("synchronous_commit"))
                    .isEqualTo("on");
            ApiClient api = new ApiClient(dev.runtime().settings().httpPort());
            token = api.newAccountToken();
            key = api.newApiKey(token);
            // an unroutable documentation address: nothing is delivered before the restart
            first = api.send(key, "{\"url\":\"http://192.0.2.1:9/hook\",\"payload\":{\"n\":1}}");

            dev.stores().redis().stop();
            second = api.send(key, "{\"url\":\"http://192.0.2.1:9/hook\",\"payload\":{\"n\":2}}");
            assertThat(api.message(key, second).get("id")).isEqualTo(second);
            api.http
                    .get()
                    .uri("/health")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.checks.postgres")
                    .isEqualTo("UP");
        }
        assertThat(Files.exists(dataDir.resolve("jwt-secret"))).isTrue();
        assertThat(LocalSecrets.jwtSecret(dataDir)).isEqualTo(LocalSecrets.jwtSecret(dataDir));

        try (Dev restarted = ChisDev.start(ChisSettings.fromEnv(env()))) {
            ApiClient api = new ApiClient(restarted.runtime().settings().httpPort());
            assertThat(api.message(key, first).get("id")).isEqualTo(first);
            assertThat(api.message(key, second).get("id")).isEqualTo(second);
            // the JWT issued before the restart is still valid: the key was kept in the data dir
            api.http
                    .get()
                    .uri("/api/api-keys")
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
    }
}
