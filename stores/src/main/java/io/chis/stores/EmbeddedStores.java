package io.chis.stores;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL and a real Redis started in-process for local use and tests, keeping their data under the
 * data directory so that a restart finds what it left. One process at a time owns a data directory
 * ({@link DataDirLock}); what a crashed owner left running there is stopped before the stores start
 * ({@link Orphans}), and a watchdog process stops the stores when this JVM dies without closing them.
 */
public final class EmbeddedStores implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStores.class);

    private final Path dataDir;
    private final DataDirLock lock;
    private final EmbeddedPostgres postgres;
    private final EmbeddedRedis redis;
    private final Process watchdog;
    private volatile boolean closing;

    private EmbeddedStores(
            Path dataDir, DataDirLock lock, EmbeddedPostgres postgres, EmbeddedRedis redis, Process watchdog) {
        this.dataDir = dataDir;
        this.lock = lock;
        this.postgres = postgres;
        this.redis = redis;
        this.watchdog = watchdog;
    }

    /** Starts both stores, PostgreSQL durable (a 202 survives a crash of the machine); a port of 0 picks a free one. */
    public static EmbeddedStores start(Path dataDir, int postgresPort, int redisPort) {
        return start(dataDir, postgresPort, redisPort, true);
    }

    /**
     * Starts both stores; a port of 0 picks a free one. {@code durable=false} keeps zonky's fsync=off and
     * synchronous_commit=off, which only throwaway data (the tests') can afford.
     *
     * @throws AlreadyRunningException when another live process owns the data directory
     */
    public static EmbeddedStores start(Path dataDir, int postgresPort, int redisPort, boolean durable) {
        DataDirLock lock = DataDirLock.acquire(dataDir);
        List<AutoCloseable> started = new ArrayList<>(List.of(lock));
        try {
            Path pgData = Files.createDirectories(dataDir.resolve("postgres"));
            Path redisData = Files.createDirectories(dataDir.resolve("redis"));
            Orphans.stop(dataDir, pgData, redisData);
            EmbeddedPostgres postgres = startPostgres(pgData, postgresPort, durable);
            started.add(postgres);
            EmbeddedRedis redis = new EmbeddedRedis(redisData, redisPort == 0 ? freePort() : redisPort);
            redis.start();
            started.add(redis);
            Process watchdog = Watchdog.start(dataDir, pgData, redisData);
            log.info(
                    "Embedded PostgreSQL on port {} and Redis on port {}, data in {}",
                    postgres.getPort(),
                    redis.port(),
                    dataDir);
            return new EmbeddedStores(dataDir, lock, postgres, redis, watchdog);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable closeable : started.reversed()) closeQuietly(closeable);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Could not start the embedded stores in " + dataDir, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Fails when another live process owns the data directory, before anything else is tried.
     *
     * @throws AlreadyRunningException naming that process
     */
    public static void checkNotRunning(Path dataDir) {
        try (DataDirLock ignored = DataDirLock.acquire(dataDir)) {
            // free: released at once
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedPostgres startPostgres(Path pgData, int port, boolean durable) throws IOException {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    // our close (after the roles) stops it, and the watchdog when the JVM dies; not a hook racing them
                    .setRegisterShutdownHook(false)
                    .setPort(port == 0 ? freePort() : port)
                    .setServerConfig("max_connections", "200")
                    // later on the command line than zonky's -F (fsync off), so these win
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    // initdb and server output go to a file, shown only when the start fails
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(
                            pgData.resolveSibling("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(
                            pgData.resolveSibling("postgres.log").toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "the embedded PostgreSQL did not start (its log: " + pgData.resolveSibling("postgres.log") + ")",
                    e);
        }
    }

    /**
     * Calls {@code onDeath} (once, from a daemon thread) with a one-line description when a store dies while these
     * stores are open and not told to stop it.
     */
    public void onUnexpectedExit(Consumer<String> onDeath) {
        Thread thread = new Thread(
                () -> {
                    // zonky's process is pg_ctl, which exits once the postmaster runs: watch the postmaster
                    long postgresPid = Pids.read(dataDir.resolve("postgres").resolve("postmaster.pid"));
                    ProcessHandle postmaster = ProcessHandle.of(postgresPid).orElse(null);
                    while (!closing) {
                        String dead = null;
                        if (postmaster == null || !postmaster.isAlive()) {
                            dead = "the embedded PostgreSQL (pid " + postgresPid + ") exited";
                        } else if (redis.diedUnexpectedly()) {
                            dead = "the embedded Redis (pid " + redis.pid() + ") exited";
                        }
                        if (dead != null && !closing) {
                            onDeath.accept(dead);
                            return;
                        }
                        try {
                            Thread.sleep(Duration.ofMillis(500));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "chis-store-watch");
        thread.setDaemon(true);
        thread.start();
    }

    public String databaseUrl() {
        return "postgres://postgres:postgres@localhost:" + postgres.getPort() + "/postgres?sslmode=disable";
    }

    public String redisUrl() {
        return "redis://localhost:" + redis.port();
    }

    /** The embedded Redis, which tests stop and start to inject an outage. */
    public EmbeddedRedis redis() {
        return redis;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (closing) return;
        closing = true;
        closeQuietly(redis);
        closeQuietly(postgres);
        watchdog.destroy();
        closeQuietly(lock);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("{} did not stop cleanly: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
