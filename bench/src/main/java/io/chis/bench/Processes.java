package io.chis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The runtime under test, as separate processes: one {@code all} process or one process per role. Each writes its
 * output to a log file in the run directory.
 */
final class Processes implements AutoCloseable {

    /** One started process and the ports it serves. */
    record Role(String name, Process process, int metricsPort) {
        long pid() {
            return process.pid();
        }
    }

    private final Options options;
    private final Path runDir;
    private final String java;
    private final List<Process> started = new ArrayList<>();

    final List<Role> roles = new ArrayList<>();
    int httpPort;

    Processes(Options options, Path runDir) {
        this.options = options;
        this.runDir = runDir;
        this.java = ProcessHandle.current().info().command().orElse("java");
    }

    /** The runtime, as one {@code all} process or (with --split) migrate, then delivery, worker, scheduler, api. */
    void startRuntime(String databaseUrl, String redisUrl, String jwtSecret) throws IOException, InterruptedException {
        httpPort = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", databaseUrl);
        env.put("REDIS_URL", redisUrl);
        env.put("JWT_SECRET", jwtSecret);
        // The sink listens on loopback; with external store URLs the runtime refuses private targets by default.
        env.put("CHIS_ALLOW_PRIVATE_TARGETS", "true");
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.putAll(options.env());
        if (!options.split()) {
            int metrics = freePort();
            env.put("CHIS_ROLES", "all");
            env.put("GRPC_PORT", String.valueOf(freePort()));
            env.put("METRICS_PORT", String.valueOf(metrics));
            roles.add(new Role("all", launch("all", env, true), metrics));
        } else {
            Process migrate = launch("migrate", env, false);
            if (!migrate.waitFor(120, TimeUnit.SECONDS) || migrate.exitValue() != 0) {
                throw new IllegalStateException("migrate failed; see " + runDir.resolve("migrate.log"));
            }
            int grpc = freePort();
            env.put("GRPC_PORT", String.valueOf(grpc));
            env.put("GRPC_ADDRESS", "127.0.0.1:" + grpc);
            for (String role : List.of("delivery", "worker", "scheduler", "api")) {
                int metrics = freePort();
                Map<String, String> roleEnv = new LinkedHashMap<>(env);
                roleEnv.put("CHIS_ROLES", role);
                roleEnv.put("METRICS_PORT", String.valueOf(metrics));
                roles.add(new Role(role, launch(role, roleEnv, true), metrics));
            }
        }
        for (Role role : roles) awaitHealthy(role);
    }

    private Process launch(String name, Map<String, String> env, boolean serve) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options.jvmOptions());
        if (options.jfr() && serve) {
            command.add("-XX:+UnlockDiagnosticVMOptions");
            command.add("-XX:+DebugNonSafepoints"); // samples attributed to the right line, not the nearest safepoint
            command.add("-XX:FlightRecorderOptions=stackdepth=256");
            command.add("-XX:StartFlightRecording=filename=" + runDir.resolve(name + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        command.add("-jar");
        command.add(options.runtimeJar().toString());
        command.add(serve ? "serve" : "migrate");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private void awaitHealthy(Role role) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = URI.create("http://127.0.0.1:" + role.metricsPort() + "/health");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!role.process().isAlive()) {
                throw new IllegalStateException(
                        "runtime role " + role.name() + " exited; see " + runDir.resolve(role.name() + ".log"));
            }
            try {
                var response = client.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("runtime role " + role.name() + " did not become healthy in 120 s");
    }

    /** Stops the runtime roles (SIGTERM, then SIGKILL after 20 s), leaving the stores up. */
    void stopRuntime() {
        // api first, so nothing new arrives while the others finish
        for (Role role : roles.reversed()) stop(role.process());
    }

    @Override
    public void close() {
        for (Process process : started.reversed()) stop(process);
    }

    private static void stop(Process process) {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
