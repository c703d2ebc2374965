package io.chis.e2e.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process the suite starts (the operator, containers, init steps), so that nothing outlives the test JVM: the
 * suite stops them in its own teardown, and a shutdown hook kills whatever is left when a test fails or Maven is
 * interrupted.
 */
public final class Processes {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "e2e-process-reaper"));
    }

    private Processes() {}

    public static Process start(ProcessBuilder builder) {
        try {
            Process process = builder.start();
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + builder.command(), e);
        }
    }

    /** SIGTERM, then SIGKILL to the process and everything it started once {@code grace} has passed. */
    public static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -9}: the process and its descendants. */
    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    public static int live() {
        return (int) LIVE.stream().filter(Process::isAlive).count();
    }

    public static void killAll() {
        LIVE.forEach(Processes::kill);
    }
}
