package io.chis.dev;

import io.chis.runtime.ChisApplication;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.Migrations;
import io.chis.stores.EmbeddedStores;
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

    private ChisDev() {}

    public static void main(String[] args) throws InterruptedException {
        String command = args.length > 0 ? args[0] : "serve";
        ChisSettings settings;
        try {
            settings = ChisSettings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("chis: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (command) {
            case "serve" -> {
                Dev dev;
                try {
                    dev = start(settings);
                } catch (IllegalArgumentException e) {
                    System.err.println("chis: " + e.getMessage());
                    System.exit(2);
                    return;
                }
                Runtime.getRuntime().addShutdownHook(new Thread(dev::close, "chis-shutdown"));
                // Roles without a web server run only on daemon threads: keep the JVM up until it is stopped.
                new CountDownLatch(1).await();
            }
            case "stores" -> {
                EmbeddedStores stores = EmbeddedStores.start(settings.dataDir(), POSTGRES_PORT, REDIS_PORT);
                Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "chis-stores-shutdown"));
                System.out.println("DATABASE_URL=" + stores.databaseUrl());
                System.out.println("REDIS_URL=" + stores.redisUrl());
                new CountDownLatch(1).await();
            }
            case "migrate" -> ChisApplication.main(args);
            default -> {
                System.err.println("usage: java -jar chis-dev.jar [serve|stores|migrate]");
                System.exit(2);
            }
        }
    }

    /** A runtime and the embedded stores it started for itself (none when both URLs were given). */
    public record Dev(ChisRuntime runtime, EmbeddedStores stores) implements AutoCloseable {

        @Override
        public void close() {
            runtime.close();
            if (stores != null) stores.close();
        }
    }

    /** Starts embedded stores when neither URL is set (durable: a 202 survives a crash), then the runtime on them. */
    public static Dev start(ChisSettings settings) {
        if (settings.databaseUrl() != null && settings.redisUrl() != null) {
            return new Dev(ChisRuntime.start(settings), null);
        }
        if (settings.databaseUrl() != null || settings.redisUrl() != null) {
            throw new IllegalArgumentException("set both DATABASE_URL and REDIS_URL, or neither for embedded stores");
        }
        EmbeddedStores stores = EmbeddedStores.start(settings.dataDir(), 0, 0);
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
}
