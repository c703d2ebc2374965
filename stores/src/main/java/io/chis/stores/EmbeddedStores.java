package io.chis.stores;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real PostgreSQL and a real Redis started in-process for local use and tests, keeping their data under the
 * data directory so that a restart finds what it left.
 */
public final class EmbeddedStores implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStores.class);

    private final EmbeddedPostgres postgres;
    private final RedisServer redis;
    private final int redisPort;

    private EmbeddedStores(EmbeddedPostgres postgres, RedisServer redis, int redisPort) {
        this.postgres = postgres;
        this.redis = redis;
        this.redisPort = redisPort;
    }

    /** Starts both stores, PostgreSQL durable (a 202 survives a crash of the machine); a port of 0 picks a free one. */
    public static EmbeddedStores start(Path dataDir, int postgresPort, int redisPort) {
        return start(dataDir, postgresPort, redisPort, true);
    }

    /**
     * Starts both stores; a port of 0 picks a free one. {@code durable=false} keeps zonky's fsync=off and
     * synchronous_commit=off, which only throwaway data (the tests') can afford.
     */
    public static EmbeddedStores start(Path dataDir, int postgresPort, int redisPort, boolean durable) {
        try {
            Path pgData = Files.createDirectories(dataDir.resolve("postgres"));
            Path redisData = Files.createDirectories(dataDir.resolve("redis"));
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPort(postgresPort == 0 ? freePort() : postgresPort)
                    .setServerConfig("max_connections", "200")
                    // later on the command line than zonky's -F (fsync off), so these win
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .start();
            int port = redisPort == 0 ? freePort() : redisPort;
            RedisServer redis;
            try {
                redis = RedisServer.newRedisServer()
                        .bind("127.0.0.1")
                        .port(port)
                        .setting("dir " + redisData)
                        .setting("appendonly yes")
                        .setting("appendfsync everysec")
                        .build();
                redis.start();
            } catch (IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
            log.info(
                    "Embedded PostgreSQL on port {} and Redis on port {}, data in {}",
                    postgres.getPort(),
                    port,
                    dataDir);
            return new EmbeddedStores(postgres, redis, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded stores in " + dataDir, e);
        }
    }

    public String databaseUrl() {
        return "postgres://postgres:postgres@localhost:" + postgres.getPort() + "/postgres?sslmode=disable";
    }

    public String redisUrl() {
        return "redis://localhost:" + redisPort;
    }

    public RedisServer redis() {
        return redis;
    }

    @Override
    public void close() {
        try {
            redis.stop();
        } catch (IOException | RuntimeException e) {
            log.warn("Embedded Redis did not stop cleanly", e);
        }
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
