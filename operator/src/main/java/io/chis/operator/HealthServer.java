package io.chis.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * /healthz (liveness) and /readyz (readiness) for the kubelet, on a port of their own. The answers come from
 * flags, never from a call that could wait on the operator's start-up lock: a probe must not hang.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();

    /**
     * @param leading whether this replica holds the Lease; a standby is live and ready without running informers
     */
    public HealthServer(int port, Operator operator, BooleanSupplier leading) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "health");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext(
                "/healthz",
                exchange -> answer(
                        exchange,
                        () -> !started.get()
                                || !leading.getAsBoolean()
                                || operator.getRuntimeInfo().allEventSourcesAreHealthy()));
        server.createContext("/readyz", exchange -> answer(exchange, () -> started.get() && !stopping.get()));
        server.start();
    }

    /** Operator.start() has returned: the controllers run (or wait for the Lease). */
    public void started() {
        started.set(true);
    }

    /** Shutting down: stop taking traffic. */
    public void stopping() {
        stopping.set(true);
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
        byte[] body = (healthy ? "ok\n" : "not ok\n").getBytes(StandardCharsets.UTF_8);
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
