package io.chis.stores;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Pid files and the processes they name. */
final class Pids {

    private Pids() {}

    /** The pid on the first line of a pid file, or 0 when there is none. */
    static long read(Path file) {
        try {
            String first = Files.readString(file, StandardCharsets.US_ASCII)
                    .lines()
                    .findFirst()
                    .orElse("")
                    .trim();
            return first.isEmpty() ? 0 : Long.parseLong(first);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The live process of that pid whose command line contains {@code marker} (a reused pid is someone else's). */
    static Optional<ProcessHandle> live(long pid, String marker) {
        if (pid <= 0) return Optional.empty();
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(marker));
    }

    static String commandLine(ProcessHandle process) {
        try {
            // /proc has the full command line even for processes of other users' sessions, where info() may not
            return new String(
                            Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline")),
                            StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return process.info().commandLine().orElse("");
        }
    }

    /** Asks the process to stop with {@code signal} (e.g. INT, TERM), then kills it if it is still there after {@code grace}. */
    static void stop(ProcessHandle process, String signal, Duration grace) {
        try {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
            process.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }
}
