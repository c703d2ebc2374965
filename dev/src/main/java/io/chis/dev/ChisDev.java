package io.chis.dev;

import io.chis.runtime.ChisApplication;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.Migrations;
import io.chis.runtime.config.Preflight;
import io.chis.runtime.config.Setting;
import io.chis.runtime.config.StartupFailure;
import io.chis.stores.AlreadyRunningException;
import io.chis.stores.EmbeddedStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of {@code chis-dev.jar}, what {@code make run} starts: {@code serve} (the default) runs the roles on
 * embedded PostgreSQL and Redis when DATABASE_URL and REDIS_URL are unset (on the given stores otherwise),
 * {@code stores} runs only the embedded stores, for roles started one per process; {@code migrate} as the runtime.
 */
public final class ChisDev {

    /** The fixed ports of {@code make run-stores}, which the split-role targets' .env points at. */
    static final int POSTGRES_PORT = 54329;

    static final int REDIS_PORT = 63799;

    static final String COMMANDS = """
              serve     run the roles named by CHIS_ROLES, on embedded PostgreSQL and Redis in CHIS_DATA_DIR
                        when DATABASE_URL and REDIS_URL are unset (the default; make run)
              stores    only the embedded stores, PostgreSQL on 54329 and Redis on 63799 (make run-stores)
              migrate   apply the database migrations to DATABASE_URL and exit
              --help    this text
            """;

    private ChisDev() {}

    public static void main(String[] args) throws InterruptedException {
        String command = args.length > 0 ? args[0] : "serve";
        if (ChisApplication.isHelp(command)) {
            System.out.print(Setting.help("chis-dev.jar", COMMANDS));
            return;
        }
        ChisSettings settings = StartupFailure.orExit(() -> ChisSettings.fromEnv(System.getenv()));
        switch (command) {
            case "serve" -> {
                Duration delay = StartupFailure.orExit(() -> shutdownDelay(System.getenv()));
                Dev dev = StartupFailure.orExit(() -> start(settings));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> dev.shutdown(delay), "chis-shutdown"));
                if (dev.stores() != null) dev.stores().onUnexpectedExit(ChisDev::storeDied);
                // Roles without a web server run only on daemon threads: keep the JVM up until it is stopped.
                new CountDownLatch(1).await();
            }
            case "stores" -> {
                EmbeddedStores stores =
                        StartupFailure.orExit(() -> startStores(settings.dataDir(), POSTGRES_PORT, REDIS_PORT));
                Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "chis-stores-shutdown"));
                stores.onUnexpectedExit(ChisDev::storeDied);
                System.out.println("DATABASE_URL=" + stores.databaseUrl());
                System.out.println("REDIS_URL=" + stores.redisUrl());
                new CountDownLatch(1).await();
            }
            case "migrate" -> ChisApplication.migrate(settings);
            default -> {
                System.err.println("chis: unknown command '" + command + "'; java -jar chis-dev.jar --help lists them");
                System.exit(StartupFailure.CONFIGURATION);
            }
        }
    }

    /**
     * {@code CHIS_SHUTDOWN_DELAY} only when set: on a developer's machine no Service sends to this process, and
     * Ctrl-C should stop it at once.
     */
    static Duration shutdownDelay(Map<String, String> env) {
        return Setting.CHIS_SHUTDOWN_DELAY.raw(env) == null ? Duration.ZERO : ChisSettings.shutdownDelay(env);
    }

    /** A store that dies under a running Chis leaves it degraded for ever: stop, and say how to go on. */
    private static void storeDied(String what) {
        System.err.println("chis: " + what + " unexpectedly; stopping Chis (start it again with make run)");
        System.exit(StartupFailure.ENVIRONMENT);
    }

    /** A runtime and the embedded stores it started for itself (none when both URLs were given). */
    public record Dev(ChisRuntime runtime, EmbeddedStores stores) implements AutoCloseable {

        /** SIGTERM or Ctrl-C: the runtime drains for {@code delay}, then closes with the stores. */
        void shutdown(Duration delay) {
            // the roles first: they still use the stores while they stop
            runtime.shutdown(delay);
            if (stores != null) stores.close();
        }

        @Override
        public void close() {
            shutdown(Duration.ZERO);
        }
    }

    /** Starts embedded stores when neither URL is set (durable: a 202 survives a crash), then the runtime on them. */
    public static Dev start(ChisSettings settings) {
        if (settings.databaseUrl() != null && settings.redisUrl() != null) {
            return new Dev(ChisRuntime.start(settings), null);
        }
        if (settings.databaseUrl() != null || settings.redisUrl() != null) {
            throw StartupFailure.configuration((settings.databaseUrl() != null ? "DATABASE_URL" : "REDIS_URL")
                    + " is set but " + (settings.databaseUrl() != null ? "REDIS_URL" : "DATABASE_URL")
                    + " is not: set both for your own stores, or neither for embedded ones");
        }
        // before the stores start: a busy port or a missing secret should not cost a PostgreSQL start
        try {
            EmbeddedStores.checkNotRunning(settings.dataDir());
        } catch (AlreadyRunningException e) {
            throw StartupFailure.environment(e.getMessage());
        }
        Preflight.check(settings);
        EmbeddedStores stores = startStores(settings.dataDir(), 0, 0);
        try {
            ChisSettings onStores = settings.withStores(stores.databaseUrl(), stores.redisUrl());
            // the runtime migrates in all mode itself; a single role on fresh stores needs the schema too
            if (!onStores.runsAll()) Migrations.apply(DatabaseUrl.parse(onStores.databaseUrl()));
            return new Dev(ChisRuntime.start(onStores), stores);
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    static EmbeddedStores startStores(Path dataDir, int postgresPort, int redisPort) {
        try {
            return EmbeddedStores.start(dataDir, postgresPort, redisPort);
        } catch (AlreadyRunningException e) {
            throw StartupFailure.environment(e.getMessage());
        }
    }
}
