package io.chis.stores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small shell process, in a session of its own, that stops the stores when this JVM dies without closing them
 * (kill -9, a crash): Java cannot ask Linux to kill its children with it. A clean close stops the watchdog first.
 */
final class Watchdog {

    static final String PID_FILE = "watchdog.pid";
    static final String MARKER = "chis-store-watchdog";

    // $1 the JVM, $2 postmaster.pid, $3 redis.pid: each pid is read when the JVM is gone and checked to be the store
    private static final String SCRIPT = """
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            r=$(head -n1 "$3" 2>/dev/null); case "$(cat /proc/$r/cmdline 2>/dev/null)" in *redis-server*) kill -TERM "$r";; esac
            p=$(head -n1 "$2" 2>/dev/null); case "$(cat /proc/$p/cmdline 2>/dev/null)" in *postgres*) kill -INT "$p";; esac
            """;

    private Watchdog() {}

    static Process start(Path dataDir, Path pgData, Path redisData) throws IOException {
        Process process = new ProcessBuilder(Setsid.prefix(
                        "sh",
                        "-c",
                        SCRIPT,
                        MARKER,
                        String.valueOf(ProcessHandle.current().pid()),
                        pgData.resolve("postmaster.pid").toString(),
                        redisData.resolve(EmbeddedRedis.PID_FILE).toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Files.writeString(dataDir.resolve(PID_FILE), process.pid() + "\n");
        return process;
    }
}
