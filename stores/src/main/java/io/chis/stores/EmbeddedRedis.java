package io.chis.stores;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server child process (the binary that the embedded-redis artifact ships, Redis 6.2: for local development
 * only), in a session of its own, with its pid file in its data directory. Tests stop and start it to inject an
 * outage; a stop through here is expected, any other exit is not.
 */
public final class EmbeddedRedis implements AutoCloseable {

    static final String PID_FILE = "redis.pid";

    private final Path dir;
    private final int port;
    private Process process;
    private volatile boolean wanted;

    EmbeddedRedis(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) return;
        List<String> command = new ArrayList<>(Setsid.prefix(executable().toString()));
        command.addAll(List.of(
                "--bind", "127.0.0.1",
                "--port", String.valueOf(port),
                "--dir", dir.toString(),
                "--pidfile", dir.resolve(PID_FILE).toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--daemonize", "no"));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            awaitReady(process);
            wanted = true;
        } catch (IOException e) {
            if (process != null) process.destroyForcibly();
            throw new UncheckedIOException("the embedded Redis did not start on port " + port, e);
        }
    }

    /** Stops it (SIGTERM: Redis flushes its append-only file), waiting for the process to end. */
    public synchronized void stop() {
        wanted = false;
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    public long pid() {
        Process p = process;
        return p == null ? 0 : p.pid();
    }

    boolean diedUnexpectedly() {
        Process p = process;
        return wanted && p != null && !p.isAlive();
    }

    private static void awaitReady(Process process) throws IOException {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains("Ready to accept connections")) {
                // keep draining, or a full pipe would block the server
                Thread drain = new Thread(() -> drain(out), "chis-redis-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IOException(
                "redis-server exited before it was ready:\n" + seen.toString().strip());
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // Redis logs to stdout; its log is not ours to show
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The binary for this platform, copied once from the artifact into a shared cache (not a folder per run). */
    private static synchronized Path executable() {
        String resource = resource();
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "chis-" + resource, "redis-server");
        if (Files.isExecutable(target)) return target;
        try (InputStream in = EmbeddedRedis.class.getResourceAsStream("/" + resource)) {
            if (in == null) throw new IllegalStateException("no embedded redis-server for this platform: " + resource);
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), "redis-server", ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            // atomic, so concurrent first starts never run a half-written binary
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the embedded redis-server into " + target, e);
        }
    }

    private static String resource() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        boolean arm = System.getProperty("os.arch").contains("aarch64")
                || System.getProperty("os.arch").contains("arm");
        if (os.contains("mac"))
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    }
}
