package io.chis.stores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a crashed owner of the data directory may have left behind (called with the directory locked, so no live
 * owner exists): its watchdog, its redis-server and its postmaster, still running, and a stale postmaster.pid.
 */
final class Orphans {

    private static final Logger log = LoggerFactory.getLogger(Orphans.class);

    private Orphans() {}

    static void stop(Path dataDir, Path pgData, Path redisData) throws IOException {
        // the watchdog first, so it does not act on the stores started next
        Pids.live(Pids.read(dataDir.resolve(Watchdog.PID_FILE)), Watchdog.MARKER)
                .ifPresent(p -> Pids.stop(p, "TERM", Duration.ofSeconds(5)));
        Pids.live(Pids.read(redisData.resolve(EmbeddedRedis.PID_FILE)), "redis-server")
                .ifPresent(p -> {
                    log.info("Stopping the embedded Redis (pid {}) left running by a previous run", p.pid());
                    Pids.stop(p, "TERM", Duration.ofSeconds(10));
                });
        Path postmasterPid = pgData.resolve("postmaster.pid");
        var postmaster = Pids.live(Pids.read(postmasterPid), "postgres");
        if (postmaster.isPresent()) {
            log.info(
                    "Stopping the embedded PostgreSQL (pid {}) left running by a previous run",
                    postmaster.get().pid());
            // fast shutdown: its clients died with the previous run
            Pids.stop(postmaster.get(), "INT", Duration.ofSeconds(30));
        }
        // a dead postmaster's pid file, whose pid another process may have by now, would stop PostgreSQL starting
        Files.deleteIfExists(postmasterPid);
    }
}
