package io.chis.dev;

import static org.awaitility.Awaitility.await;

import io.chis.runtime.testing.TestRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@code chis-dev.jar} or {@code chis-runtime.jar} started as a real process, its output collected. */
final class ChisProcess implements AutoCloseable {

    static final Path DEV_JAR = Path.of("target", "chis-dev.jar");
    static final Path RUNTIME_JAR = Path.of("..", "runtime", "target", "chis-runtime.jar");

    final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();

    private ChisProcess(Process process) {
        this.process = process;
        collect(process.getInputStream(), out);
        collect(process.getErrorStream(), err);
    }

    /** The environment of a whole-system dev process on free ports, its data in {@code dataDir}. */
    static Map<String, String> devEnv(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("CHIS_DATA_DIR", dataDir.toString());
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        return env;
    }

    static ChisProcess start(Path jar, Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(
                List.of(java, "-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        for (String name : List.of("DATABASE_URL", "REDIS_URL", "JWT_SECRET", "CHIS_ROLES")) {
            builder.environment().remove(name);
        }
        builder.environment().putAll(env);
        return new ChisProcess(builder.start());
    }

    ChisProcess awaitStarted() {
        await().atMost(Duration.ofSeconds(90))
                .until(() -> out.toString().contains(" started, roles") || !process.isAlive());
        if (!process.isAlive()) throw new AssertionError("exited " + process.exitValue() + ":\n" + out + err);
        return this;
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("still running:\n" + out + err);
        return process.exitValue();
    }

    String stdout() {
        return out.toString();
    }

    String stderr() {
        return err.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    private static void collect(InputStream stream, StringBuffer into) {
        Thread thread = new Thread(() -> {
            try {
                byte[] buffer = new byte[8192];
                for (int n; (n = stream.read(buffer)) > 0; )
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the process ended
            }
        });
        thread.setDaemon(true);
        thread.start();
    }
}
