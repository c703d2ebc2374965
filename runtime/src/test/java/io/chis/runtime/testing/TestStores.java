package io.chis.runtime.testing;

import io.chis.stores.EmbeddedStores;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL and one real Redis for the whole test JVM (started on first use, stopped at exit).
 * Each runtime under test gets a fresh database and its own Redis database index, so tests don't see each
 * other's messages or queues.
 */
public final class TestStores {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedStores stores;

    private TestStores() {}

    public static synchronized EmbeddedStores get() {
        if (stores == null) {
            try {
                Path dir = Files.createTempDirectory("chis-test-stores");
                stores = EmbeddedStores.start(dir, 0, 0, false); // throwaway data: no fsync, for speed
                Runtime.getRuntime().addShutdownHook(new Thread(stores::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stores;
    }

    /** A new, empty database; returns its {@code postgres://} URL. */
    public static String newDatabase() {
        String base = get().databaseUrl();
        String name = "chis_test_" + DATABASES.incrementAndGet();
        String admin = base.replace("postgres://", "jdbc:postgresql://").replace("postgres:postgres@", "");
        try (var connection = DriverManager.getConnection(admin, "postgres", "postgres");
                var statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name);
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return base.replace("/postgres?", "/" + name + "?");
    }

    /** A Redis database index of its own (1-15, reused round-robin), emptied; returns its URL. */
    public static String newRedis() {
        int index = 1 + (DATABASES.get() % 15);
        String url = get().redisUrl() + "/" + index;
        RedisClient client = RedisClient.create(url);
        try (var connection = client.connect()) {
            connection.sync().flushdb();
        } finally {
            client.shutdown();
        }
        return url;
    }
}
