package io.chis.runtime.testing;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** Starts a real Chis runtime on free ports against {@link TestStores}; env entries override the defaults. */
public final class TestRuntime {

    public static final String JWT_SECRET = "test-secret-that-is-at-least-32-bytes-long!";

    private TestRuntime() {}

    /** Environment for a runtime with a fresh database and Redis index; add or replace entries before starting. */
    public static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", TestStores.newDatabase());
        env.put("REDIS_URL", TestStores.newRedis());
        env.put("JWT_SECRET", JWT_SECRET);
        env.put("CHIS_ROLES", "all");
        env.put("CHIS_ALLOW_PRIVATE_TARGETS", "true");
        env.put("HTTP_PORT", String.valueOf(freePort()));
        env.put("GRPC_PORT", String.valueOf(freePort()));
        env.put("METRICS_PORT", String.valueOf(freePort()));
        try {
            env.put("CHIS_DATA_DIR", Files.createTempDirectory("chis-test-data").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    public static ChisRuntime start(Map<String, String> env) {
        ChisSettings settings = ChisSettings.fromEnv(env);
        Migrations.apply(DatabaseUrl.parse(settings.databaseUrl()));
        return ChisRuntime.start(settings);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
