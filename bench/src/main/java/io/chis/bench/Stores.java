package io.chis.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * The runtime's embedded PostgreSQL and Redis (the same io.zonky and embedded-redis binaries, Redis with the same
 * append-only file), but PostgreSQL durable as in production: zonky starts it with {@code -F} (fsync off) and
 * {@code synchronous_commit=off}, which suits tests and {@code make run} but would flatter every figure here.
 */
final class Stores implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final Path pgData;
    private final RedisServer redis;
    private final int redisPort;
    final boolean durable;

    private Stores(EmbeddedPostgres postgres, Path pgData, RedisServer redis, int redisPort, boolean durable) {
        this.postgres = postgres;
        this.pgData = pgData;
        this.redis = redis;
        this.redisPort = redisPort;
        this.durable = durable;
    }

    static Stores start(Path dataDir, boolean durable) throws IOException {
        Path pgData = Files.createDirectories(dataDir.resolve("postgres"));
        Path redisData = Files.createDirectories(dataDir.resolve("redis"));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(true)
                .setPort(Processes.freePort())
                .setServerConfig("max_connections", "200")
                // later on the command line than zonky's -F, so these win
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .start();
        int port = Processes.freePort();
        RedisServer redis = RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(port)
                .setting("dir " + redisData)
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .build();
        try {
            redis.start();
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        return new Stores(postgres, pgData, redis, port, durable);
    }

    /** The postmaster (pg_ctl detaches it, so it is no child of this process); its backends are its children. */
    long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).getFirst().trim());
    }

    String databaseUrl() {
        return "postgres://postgres:postgres@localhost:" + postgres.getPort() + "/postgres?sslmode=disable";
    }

    String redisUrl() {
        return "redis://localhost:" + redisPort;
    }

    @Override
    public void close() {
        try {
            redis.stop();
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: Redis did not stop cleanly: " + e);
        }
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: PostgreSQL did not stop cleanly: " + e);
        }
    }
}
