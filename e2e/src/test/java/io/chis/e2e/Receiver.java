package io.chis.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP receiver on loopback that answers 200 and keeps every arrival by its webhook-id. */
final class Receiver implements AutoCloseable {
    record Arrival(String id, String path, String timestamp, String signature, byte[] body, long atMillis) {}

    private final HttpServer server;
    final Map<String, List<Arrival>> byId = new ConcurrentHashMap<>();

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (id != null) {
                byId.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                        .add(new Arrival(
                                id,
                                exchange.getRequestURI().getPath(),
                                exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                                exchange.getRequestHeaders().getFirst("webhook-signature"),
                                body,
                                System.currentTimeMillis()));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int distinct() {
        return byId.size();
    }

    int duplicates() {
        return byId.values().stream().mapToInt(l -> l.size() - 1).sum();
    }

    /** Of {@code ids}: how many arrived at least once. */
    long arrived(java.util.Collection<String> ids) {
        return ids.stream().filter(byId::containsKey).count();
    }

    /** Of {@code ids}: arrivals beyond the first (at-least-once repeats). */
    long duplicates(java.util.Collection<String> ids) {
        return ids.stream()
                .map(byId::get)
                .filter(java.util.Objects::nonNull)
                .mapToLong(l -> l.size() - 1)
                .sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
