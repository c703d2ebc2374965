package io.chis.bench;

import com.sun.net.httpserver.HttpServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * The receiving end on loopback: answers every webhook with 204 and notes when each {@code webhook-id} first
 * arrived and how often. {@code /ceiling} only counts, for the raw request rate.
 */
abstract class Sink implements AutoCloseable {

    static final String HOOK_PATH = "/hook";
    static final String CEILING_PATH = "/ceiling";
    /** A receiver that reads the request and never answers: the stalled tenant of the noisy-neighbour phase. */
    static final String STALL_PATH = "/stall";

    /** First arrival (System.nanoTime) and how many times this id came. */
    static final class Arrival {
        final long firstNanos;
        int count = 1;

        Arrival(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    final ConcurrentHashMap<String, Arrival> arrivals = new ConcurrentHashMap<>(1 << 20);
    final LongAdder hooks = new LongAdder();
    final LongAdder withoutId = new LongAdder();
    final LongAdder ceilingRequests = new LongAdder();
    final LongAdder refusedWhileDown = new LongAdder();
    final LongAdder stalled = new LongAdder();
    /** While set, every webhook is answered 503 and not recorded: the receivers are down. */
    volatile boolean down;

    static Sink start(String kind) throws IOException {
        return kind.equals("jdk") ? new Jdk() : new Netty("127.0.0.1");
    }

    abstract int port();

    abstract String description();

    /** The key an arrival is recorded under: the id, or {@code tag/id} for {@code /hook/<tag>} (one per endpoint). */
    static String key(String tag, String webhookId) {
        return tag == null || tag.isEmpty() ? webhookId : tag + "/" + webhookId;
    }

    /** Records a webhook at {@code path}; false when the receivers are down (answer 503). */
    final boolean hook(String path, String webhookId) {
        if (down) {
            refusedWhileDown.increment();
            return false;
        }
        long now = System.nanoTime();
        hooks.increment();
        if (webhookId == null) {
            withoutId.increment();
            return true;
        }
        String tag = path.length() > HOOK_PATH.length() + 1 ? path.substring(HOOK_PATH.length() + 1) : null;
        arrivals.compute(key(tag, webhookId), (id, seen) -> {
            if (seen == null) return new Arrival(now);
            seen.count++;
            return seen;
        });
        return true;
    }

    /** Reactor Netty on its own event loops: the body is read fully before the answer, as a real receiver would. */
    static final class Netty extends Sink {
        // its own event loops, apart from the load generator's client
        private final LoopResources loops = LoopResources.create("sink", 2, true);
        private final DisposableServer server;

        private final String host;

        Netty(String host) {
            this.host = host;
            server = reactor.netty.http.server.HttpServer.create()
                    .runOn(loops)
                    .host(host)
                    .port(0)
                    .route(routes -> routes.post(HOOK_PATH, this::receive)
                            .post(HOOK_PATH + "/{tag}", this::receive)
                            .post(
                                    STALL_PATH,
                                    (request, response) -> request.receive()
                                            .then()
                                            .then(reactor.core.publisher.Mono.fromRunnable(stalled::increment))
                                            .then(reactor.core.publisher.Mono.never()))
                            .post(
                                    CEILING_PATH,
                                    (request, response) -> request.receive()
                                            .then()
                                            .then(reactor.core.publisher.Mono.defer(() -> {
                                                ceilingRequests.increment();
                                                return response.status(HttpResponseStatus.NO_CONTENT)
                                                        .send()
                                                        .then();
                                            }))))
                    .bindNow();
        }

        private org.reactivestreams.Publisher<Void> receive(
                reactor.netty.http.server.HttpServerRequest request,
                reactor.netty.http.server.HttpServerResponse response) {
            return request.receive()
                    .then()
                    .then(reactor.core.publisher.Mono.defer(() -> response.status(
                                    hook(
                                                    "/" + request.path(),
                                                    request.requestHeaders().get("webhook-id"))
                                            ? HttpResponseStatus.NO_CONTENT
                                            : HttpResponseStatus.SERVICE_UNAVAILABLE)
                            .send()
                            .then()));
        }

        @Override
        int port() {
            return server.port();
        }

        String host() {
            return host;
        }

        @Override
        String description() {
            return "Reactor Netty HttpServer (2 event loops of its own, keep-alive), 204 after reading the body";
        }

        @Override
        public void close() {
            server.disposeNow();
            loops.dispose();
        }
    }

    /** The JDK's com.sun.net.httpserver on a small thread pool. */
    static final class Jdk extends Sink {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(8);

        Jdk() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            server.createContext(HOOK_PATH, exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                }
                boolean up = hook(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("webhook-id"));
                exchange.sendResponseHeaders(up ? 204 : 503, -1);
                exchange.close();
            });
            server.createContext(CEILING_PATH, exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                }
                ceilingRequests.increment();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.setExecutor(executor);
            server.start();
        }

        @Override
        int port() {
            return server.getAddress().getPort();
        }

        @Override
        String description() {
            return "JDK com.sun.net.httpserver (8 threads, keep-alive), 204 after reading the body";
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
