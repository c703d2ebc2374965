package io.chis.e2e.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's network: every pod gets its own loopback address (127.0.2.1 upwards), every Service a virtual address
 * (127.0.1.x) with a TCP proxy per port that forwards each connection to one of the Service's ready pods, and a hosts
 * file naming every Service as cluster DNS would ({@code <svc>}, {@code <svc>.<ns>}, {@code <svc>.<ns>.svc},
 * {@code <svc>.<ns>.svc.cluster.local}). Each JVM the node starts reads it through {@code -Djdk.net.hosts.file}.
 * Short names resolve in every namespace alike (there is no per-pod search path): the suite uses one namespace.
 */
public final class ServiceNetwork implements AutoCloseable {
    private final Path hostsFile;
    private final AtomicInteger nextServiceHost = new AtomicInteger(1);
    private final AtomicInteger nextPodHost = new AtomicInteger(0);
    private final Map<String, ServiceEntry> services = new ConcurrentHashMap<>();

    /** One Service: its address, its names and a listener per port. */
    public record ServiceEntry(String key, String address, List<String> names, List<ServerSocket> listeners) {}

    public ServiceNetwork(Path hostsFile) {
        this.hostsFile = hostsFile;
        writeHosts();
    }

    public Path hostsFile() {
        return hostsFile;
    }

    /** The JVM options that make a Java process resolve names through this network. */
    public List<String> jvmOptions() {
        return List.of(
                "-Djdk.net.hosts.file=" + hostsFile,
                "-Dsun.net.inetaddr.ttl=1",
                "-Dsun.net.inetaddr.negative.ttl=0",
                "-Dio.netty.hostsFileRefreshInterval=1000000000");
    }

    public String allocatePodAddress() {
        int n = nextPodHost.getAndIncrement();
        return "127.0." + (2 + n / 254) + "." + (1 + n % 254);
    }

    public Optional<ServiceEntry> service(String namespace, String name) {
        return Optional.ofNullable(services.get(namespace + "/" + name));
    }

    /**
     * Gives a Service its address and listeners (once); {@code backends} picks a ready pod address for a service port.
     */
    public synchronized ServiceEntry expose(
            String namespace,
            String name,
            List<Integer> ports,
            java.util.function.IntFunction<Supplier<Optional<InetSocketAddress>>> backends) {
        String key = namespace + "/" + name;
        ServiceEntry existing = services.get(key);
        if (existing != null) {
            return existing;
        }
        String address = "127.0.1." + nextServiceHost.getAndIncrement();
        List<ServerSocket> listeners = new ArrayList<>();
        for (int port : ports) {
            try {
                ServerSocket listener = new ServerSocket();
                listener.setReuseAddress(true);
                listener.bind(new InetSocketAddress(InetAddress.getByName(address), port));
                listeners.add(listener);
                Supplier<Optional<InetSocketAddress>> pick = backends.apply(port);
                Thread.ofVirtual().name("svc-" + name + "-" + port).start(() -> accept(listener, pick));
            } catch (IOException e) {
                throw new UncheckedIOException("service " + key + " port " + port, e);
            }
        }
        ServiceEntry entry = new ServiceEntry(
                key,
                address,
                List.of(
                        name,
                        name + "." + namespace,
                        name + "." + namespace + ".svc",
                        name + "." + namespace + ".svc.cluster.local"),
                listeners);
        services.put(key, entry);
        writeHosts();
        return entry;
    }

    public synchronized void remove(String namespace, String name) {
        ServiceEntry entry = services.remove(namespace + "/" + name);
        if (entry != null) {
            entry.listeners().forEach(ServiceNetwork::closeQuietly);
            writeHosts();
        }
    }

    public java.util.Set<String> serviceKeys() {
        return java.util.Set.copyOf(services.keySet());
    }

    private static void accept(ServerSocket listener, Supplier<Optional<InetSocketAddress>> pick) {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> forward(client, pick));
        }
    }

    /** Like kube-proxy: a connection to a Service with no ready endpoint is refused (here: closed at once). */
    private static void forward(Socket client, Supplier<Optional<InetSocketAddress>> pick) {
        Optional<InetSocketAddress> backend = pick.get();
        if (backend.isEmpty()) {
            closeQuietly(client);
            return;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(backend.get(), 2000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        Thread.ofVirtual().start(() -> pipe(upstream, client));
        pipe(client, upstream);
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side went away: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void writeHosts() {
        Map<String, String> lines = new TreeMap<>();
        services.values().forEach(s -> lines.put(s.address(), String.join(" ", s.names())));
        StringBuilder text = new StringBuilder("127.0.0.1 localhost\n");
        lines.forEach((address, names) ->
                text.append(address).append(' ').append(names).append('\n'));
        try {
            Files.createDirectories(hostsFile.getParent());
            // in place, never replaced: pods see it through a bind mount of this very file
            Files.writeString(hostsFile, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public synchronized void close() {
        services.values().forEach(s -> s.listeners().forEach(ServiceNetwork::closeQuietly));
        services.clear();
    }
}
