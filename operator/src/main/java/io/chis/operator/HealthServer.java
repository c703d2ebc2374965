package io.chis.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** /healthz (liveness) and /readyz (readiness) for the kubelet, on a port of their own. */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    public HealthServer(int port, Operator operator) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        // a standby replica (not the leader) is healthy and ready: it is waiting for the Lease
        server.createContext("/healthz", exchange -> answer(exchange, () -> operator.getRuntimeInfo().isStarted()
                && operator.getRuntimeInfo().allEventSourcesAreHealthy()));
        server.createContext("/readyz", exchange -> answer(exchange, () -> operator.getRuntimeInfo().isStarted()));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, BooleanSupplier ok) throws IOException {
        boolean healthy;
        try {
            healthy = ok.getAsBoolean();
        } catch (RuntimeException e) {
            healthy = false;
        }
        byte[] body = (healthy ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
