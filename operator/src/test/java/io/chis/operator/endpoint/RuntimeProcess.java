package io.chis.operator.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.EndpointStats;
import io.chis.proto.v1.EndpointStatsRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The runtime as {@code make run} starts it ({@code dev/target/chis-dev.jar}) as a child process with all four roles on embedded
 * PostgreSQL and Redis, its admin API on: the operator tests cannot share a classpath with Spring, so they talk to it
 * the way the operator does, over gRPC, and use its REST API as an application would. Output goes to
 * {@code target/runtime-<name>.log}.
 */
final class RuntimeProcess implements AutoCloseable {
    static final Path JAR = Path.of("..", "dev", "target", "chis-dev.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    final String adminToken = "admin-" + UUID.randomUUID();
    final int httpPort;
    final int grpcPort;
    final Path log;
    private final Process process;
    private final Path dataDir;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ManagedChannel admin;

    private RuntimeProcess(String name) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(
                    JAR.toAbsolutePath().normalize() + " is missing: these tests start the real runtime."
                            + " Build it first: ./mvnw -pl dev -am package -DskipTests (./mvnw verify builds it before the operator's tests)");
        }
        int[] ports = freePorts(3);
        httpPort = ports[0];
        grpcPort = ports[1];
        dataDir = Files.createTempDirectory("chis-runtime-");
        log = Path.of("target", "runtime-" + name + ".log");
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        JAR.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("DATABASE_URL"); // embedded stores
        env.remove("REDIS_URL");
        env.put("CHIS_ROLES", "all");
        env.put("CHIS_DATA_DIR", dataDir.toString());
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("GRPC_PORT", String.valueOf(grpcPort));
        env.put("GRPC_ADDRESS", "localhost:" + grpcPort);
        env.put("METRICS_PORT", String.valueOf(ports[2]));
        env.put("CHIS_ADMIN_TOKEN", adminToken);
        env.put("JWT_SECRET", UUID.randomUUID() + "-" + UUID.randomUUID());
        env.put("CHIS_ALLOW_PRIVATE_TARGETS", "true"); // receivers on loopback
        env.put("CHIS_SCHEDULER_TICK", "50ms");
        process = builder.start();
        admin = Grpc.newChannelBuilder("localhost:" + grpcPort, InsecureChannelCredentials.create())
                .build();
    }

    /** Starts the runtime and waits until its REST API answers /health. */
    static RuntimeProcess start(String name) throws Exception {
        RuntimeProcess runtime = new RuntimeProcess(name);
        try {
            runtime.awaitHealthy(Duration.ofSeconds(120));
            return runtime;
        } catch (Exception | AssertionError e) {
            runtime.close();
            throw e;
        }
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the runtime exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(uri("/health"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the runtime did not answer /health within " + timeout + ":\n" + tail());
    }

    /**
     * Registers an account, lets WebhookEndpoints in the given namespaces act for it (as its owner would, with {@code
     * POST /api/namespace-grants}), and creates an API key: what an application needs to send.
     */
    String signUp(String email, String... grantedNamespaces) throws Exception {
        post(
                "/auth/register",
                Map.of("email", email, "password", "correct-horse", "firstName", "Test", "lastName", "User"),
                Map.of(),
                201);
        for (String namespace : grantedNamespaces) {
            grant(email, namespace);
        }
        return post(
                        "/api/api-key/create",
                        Map.of("name", "tests"),
                        Map.of("Authorization", "Bearer " + login(email)),
                        201)
                .get("apiKey")
                .asText();
    }

    /** The account's consent that WebhookEndpoints in the namespace may name it as owner. */
    void grant(String email, String namespace) throws Exception {
        post(
                "/api/namespace-grants",
                Map.of("namespace", namespace),
                Map.of("Authorization", "Bearer " + login(email)),
                201);
    }

    private String login(String email) throws Exception {
        return post("/auth/login", Map.of("email", email, "password", "correct-horse"), Map.of(), 200)
                .get("token")
                .asText();
    }

    /** {@code POST /webhook/send} by event type (fan-out to the account's endpoints); returns the message. */
    JsonNode send(String apiKey, String eventType, Object payload) throws Exception {
        return post(
                "/webhook/send", Map.of("eventType", eventType, "payload", payload), Map.of("X-API-Key", apiKey), 202);
    }

    /** {@code POST /webhook/send} that the runtime must refuse with this status; returns the problem. */
    JsonNode sendRefused(String apiKey, String eventType, Object payload, int status) throws Exception {
        return post(
                "/webhook/send",
                Map.of("eventType", eventType, "payload", payload),
                Map.of("X-API-Key", apiKey),
                status);
    }

    JsonNode message(String apiKey, String id) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri("/webhook/messages/" + id))
                        .header("X-API-Key", apiKey)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(
                    "GET /webhook/messages/" + id + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The admin API's view of an endpoint, as the operator reads it. */
    EndpointStats stats(String ref) {
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + adminToken);
        return AdminServiceGrpc.newBlockingStub(admin)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getEndpointStats(EndpointStatsRequest.newBuilder().setRef(ref).build());
    }

    private JsonNode post(String path, Object body, Map<String, String> headers, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new AssertionError("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    @Override
    public void close() {
        admin.shutdownNow();
        http.close();
        process.destroy(); // SIGTERM: the runtime stops its embedded PostgreSQL and Redis
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}
