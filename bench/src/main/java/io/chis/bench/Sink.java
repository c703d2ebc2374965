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

    static Sink start(String kind) throws IOException {
        return kind.equals("jdk") ? new Jdk() : new Netty();
    }

    abstract int port();

    abstract String description();

    final void hook(String webhookId) {
        long now = System.nanoTime();
        hooks.increment();
        if (webhookId == null) {
            withoutId.increment();
            return;
        }
        arrivals.compute(webhookId, (id, seen) -> {
            if (seen == null) return new Arrival(now);
            seen.count++;
            return seen;
        });
    }

    /** Reactor Netty on its own event loops: the body is read fully before the answer, as a real receiver would. */
    static final class Netty extends Sink {
        // its own event loops, apart from the load generator's client
        private final LoopResources loops = LoopResources.create("sink", 2, true);
        private final DisposableServer server;

        Netty() {
            server = reactor.netty.http.server.HttpServer.create()
                    .runOn(loops)
                    .host("127.0.0.1")
                    .port(0)
                    .route(routes -> routes.post(
                                    HOOK_PATH,
                                    (request, response) -> request.receive()
                                            .then()
                                            .then(reactor.core.publisher.Mono.defer(() -> {
                                                hook(request.requestHeaders().get("webhook-id"));
                                                return response.status(HttpResponseStatus.NO_CONTENT)
                                                        .send()
                                                        .then();
                                            })))
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

        @Override
        int port() {
            return server.port();
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
                hook(exchange.getRequestHeaders().getFirst("webhook-id"));
                exchange.sendResponseHeaders(204, -1);
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
