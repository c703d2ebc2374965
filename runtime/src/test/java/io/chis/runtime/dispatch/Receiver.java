package io.chis.runtime.dispatch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * A webhook receiver on 127.0.0.1: a real HTTP server that answers the n-th request (0-based) as its script says,
 * and keeps every request with the moment it arrived.
 */
public final class Receiver implements AutoCloseable {

    /** One received request; header names are lower-cased. */
    public record Request(String path, Map<String, String> headers, byte[] body, long arrivedNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** How to answer: status, headers, body, and how long to wait before answering. */
    public record Reply(int status, Map<String, String> headers, String body, Duration delay) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), "", Duration.ZERO);
        }

        public static Reply ok() {
            return new Reply(200, Map.of(), "{\"received\":true}", Duration.ZERO);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new TreeMap<>(headers);
            all.put(name, value);
            return new Reply(status, all, body, delay);
        }

        public Reply after(Duration wait) {
            return new Reply(status, headers, body, wait);
        }

        public Reply withBody(String text) {
            return new Reply(status, headers, text, delay);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** Chooses the reply to the n-th request (0-based), which is already in {@link #requests()}. */
    @FunctionalInterface
    public interface Script {
        Reply reply(int n, Request request);
    }

    private Receiver(Script script) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            int index;
            Request request = new Request(exchange.getRequestURI().getPath(), headers, body, System.nanoTime());
            synchronized (requests) {
                index = requests.size();
                requests.add(request);
            }
            Reply reply = script.reply(index, request);
            try {
                if (!reply.delay().isZero()) Thread.sleep(reply.delay().toMillis());
                reply.headers()
                        .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
                byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException clientWentAway) {
                // the sender gave up (timeout, or a worker that was stopped): nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** A receiver that answers request n with {@code script.apply(n)}. */
    public static Receiver start(IntFunction<Reply> script) {
        return new Receiver((n, request) -> script.apply(n));
    }

    /** A receiver whose replies may depend on the request itself. */
    public static Receiver start(Script script) {
        return new Receiver(script);
    }

    /** The requests that carried this {@code webhook-id}. */
    public List<Request> requestsFor(String webhookId) {
        return requests.stream()
                .filter(r -> webhookId.equals(r.header("webhook-id")))
                .toList();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Gaps between consecutive request arrivals. */
    public List<Duration> gaps() {
        List<Request> all = requests();
        return java.util.stream.IntStream.range(1, all.size())
                .mapToObj(i -> Duration.ofNanos(
                        all.get(i).arrivedNanos() - all.get(i - 1).arrivedNanos()))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
