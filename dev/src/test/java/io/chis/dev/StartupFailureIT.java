package io.chis.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.config.Setting;
import io.chis.runtime.testing.TestRuntime;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every start-up mistake a newcomer makes ends in one line that names what to set, and the exit code says which kind. */
class StartupFailureIT {

    @TempDir
    Path dataDir;

    /** A worker-only runtime (no secret needed) on stores that need not exist. */
    Map<String, String> worker(int metricsPort) {
        Map<String, String> env = new HashMap<>();
        env.put("CHIS_ROLES", "worker");
        env.put("DATABASE_URL", "postgres://chis:chis@127.0.0.1:" + TestRuntime.freePort() + "/chis");
        env.put("REDIS_URL", "redis://127.0.0.1:" + TestRuntime.freePort());
        env.put("METRICS_PORT", String.valueOf(metricsPort));
        env.put("CHIS_DATA_DIR", dataDir.toString());
        return env;
    }

    @Test
    void halfSetStoreUrls() throws Exception {
        Map<String, String> env = ChisProcess.devEnv(dataDir);
        env.put("DATABASE_URL", "postgres://chis:chis@localhost:5432/chis");
        assertFails(
                ChisProcess.start(ChisProcess.DEV_JAR, env),
                2,
                "chis: DATABASE_URL is set but REDIS_URL is not: set both for your own stores, or neither for embedded ones");
    }

    @Test
    void apiRoleWithoutJwtSecret() throws Exception {
        Map<String, String> env = worker(TestRuntime.freePort());
        env.put("CHIS_ROLES", "api");
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        assertFails(
                ChisProcess.start(ChisProcess.RUNTIME_JAR, env),
                2,
                "chis: JWT_SECRET is required for the api role (at least 32 bytes): set it, e.g. JWT_SECRET=$(openssl rand -base64 48)");
    }

    @Test
    void badValue() throws Exception {
        Map<String, String> env = worker(TestRuntime.freePort());
        env.put("CHIS_WORKER_CONCURRENCY", "lots");
        assertFails(
                ChisProcess.start(ChisProcess.RUNTIME_JAR, env),
                2,
                "chis: CHIS_WORKER_CONCURRENCY must be a positive integer, got 'lots'");
    }

    @Test
    void unreachableDatabaseWhenAllRolesMigrateFirst() throws Exception {
        Map<String, String> env = worker(TestRuntime.freePort());
        // a single role starts without its database (it answers 503 until it is back); all roles migrate first
        env.put("CHIS_ROLES", "all");
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        String hostPort = env.get("DATABASE_URL").replaceAll(".*@([^/]+)/.*", "$1");
        assertFails(
                ChisProcess.start(ChisProcess.RUNTIME_JAR, env),
                1,
                "chis: cannot reach PostgreSQL at " + hostPort
                        + " (DATABASE_URL): Connection refused; is PostgreSQL running?");
    }

    @Test
    void busyMetricsPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            assertFails(
                    ChisProcess.start(ChisProcess.RUNTIME_JAR, worker(port)),
                    1,
                    "chis: METRICS_PORT " + port + " is in use: set METRICS_PORT to a free port");
        }
    }

    @Test
    void helpListsTheCommandsAndEveryVariableWithItsDefault() throws Exception {
        for (Path jar : new Path[] {ChisProcess.RUNTIME_JAR, ChisProcess.DEV_JAR}) {
            ChisProcess help = ChisProcess.start(jar, Map.of(), "--help");
            assertThat(help.awaitExit()).isZero();
            assertThat(help.stdout()).contains("serve", "migrate");
            for (Setting setting : Setting.values()) {
                assertThat(help.stdout()).contains(setting.name()).contains("default: " + setting.defaultText());
            }
        }
    }

    static void assertFails(ChisProcess process, int exitCode, String line) throws Exception {
        assertThat(process.awaitExit()).as(process.stderr()).isEqualTo(exitCode);
        assertThat(process.stderr()).isEqualTo(line + "\n");
    }
}
