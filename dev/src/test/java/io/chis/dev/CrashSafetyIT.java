package io.chis.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make run's process as a user meets it: killed with -9 it leaves no store running and the next start works; a second
 * one on the same data directory says so; a store that dies under it stops it with a message.
 */
class CrashSafetyIT {

    @TempDir
    Path dataDir;

    @Test
    void afterKillDashNineTheNextStartWorksAndNoStoreSurvives() throws Exception {
        Map<String, String> env = ChisProcess.devEnv(dataDir);
        ChisProcess first = ChisProcess.start(ChisProcess.DEV_JAR, env).awaitStarted();
        List<ProcessHandle> stores = storesOf(first);
        assertThat(stores).hasSize(2);

        first.process.destroyForcibly().waitFor();
        // the watchdog stops the stores of the dead JVM
        await().atMost(Duration.ofSeconds(30)).until(() -> stores.stream().noneMatch(ProcessHandle::isAlive));

        try (ChisProcess second = ChisProcess.start(ChisProcess.DEV_JAR, env).awaitStarted()) {
            assertThat(second.stdout()).doesNotContain("ERROR");
        }
    }

    @Test
    void theNextStartStopsStoresThatACrashedRunLeftRunning() throws Exception {
        Map<String, String> env = ChisProcess.devEnv(dataDir);
        ChisProcess first = ChisProcess.start(ChisProcess.DEV_JAR, env).awaitStarted();
        List<ProcessHandle> stores = storesOf(first);
        // the watchdog too is gone, as after a kill of the whole process group
        ProcessHandle.of(Long.parseLong(
                        Files.readString(dataDir.resolve("watchdog.pid")).trim()))
                .ifPresent(ProcessHandle::destroyForcibly);
        first.process.destroyForcibly().waitFor();
        assertThat(stores).allMatch(ProcessHandle::isAlive);

        try (ChisProcess second = ChisProcess.start(ChisProcess.DEV_JAR, env).awaitStarted()) {
            assertThat(stores).noneMatch(ProcessHandle::isAlive);
            assertThat(second.stdout()).contains("left running by a previous run");
        }
    }

    @Test
    void aSecondInstanceOnTheSameDataDirectorySaysSoAndExitsOne() throws Exception {
        Map<String, String> env = ChisProcess.devEnv(dataDir);
        try (ChisProcess first = ChisProcess.start(ChisProcess.DEV_JAR, env).awaitStarted()) {
            ChisProcess second = ChisProcess.start(ChisProcess.DEV_JAR, env);
            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(second.stderr())
                    .isEqualTo(
                            "chis: Chis is already running from " + dataDir + " (pid " + first.process.pid() + ")\n");
        }
    }

    @Test
    void whenTheEmbeddedRedisDiesTheProcessStopsWithAMessage() throws Exception {
        ChisProcess dev = ChisProcess.start(ChisProcess.DEV_JAR, ChisProcess.devEnv(dataDir))
                .awaitStarted();
        List<ProcessHandle> stores = storesOf(dev);
        ProcessHandle redis = stores.stream()
                .filter(p -> p.info().command().orElse("").contains("redis-server"))
                .findFirst()
                .orElseThrow();
        redis.destroyForcibly();
        assertThat(dev.awaitExit()).isEqualTo(1);
        assertThat(dev.stderr()).contains("chis: the embedded Redis (pid " + redis.pid() + ") exited unexpectedly");
        // the postmaster removes its pid file, which pg_ctl waits for, just before it exits
        await().atMost(Duration.ofSeconds(10)).until(() -> stores.stream().noneMatch(ProcessHandle::isAlive));
    }

    /** The postmaster and redis-server of this data directory, by their pid files. */
    private List<ProcessHandle> storesOf(ChisProcess dev) throws Exception {
        return List.of(dataDir.resolve("postgres/postmaster.pid"), dataDir.resolve("redis/redis.pid")).stream()
                .filter(Files::exists)
                .map(file -> {
                    try {
                        return Long.parseLong(
                                Files.readAllLines(file).getFirst().trim());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .flatMap(pid -> ProcessHandle.of(pid).stream())
                .toList();
    }
}
