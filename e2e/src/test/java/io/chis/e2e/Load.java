package io.chis.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady stream of {@code POST /webhook/send} through the api Service, as a client would send: a fixed rate, each
 * answer counted. Accepted (202) message ids are kept, so that what the receiver got can be checked against them.
 */
final class Load implements AutoCloseable {
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    /** Why sends were refused: the HTTP status, or the exception a client saw (connection reset, timeout...). */
    final Map<String, AtomicLong> refusals = new java.util.concurrent.ConcurrentSkipListMap<>();

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final ChisApi api;
    private final String apiKey;
    private final String url;
    private final Duration every;
    private volatile boolean running = true;
    private final Thread thread;

    Load(ChisApi api, String apiKey, String url, int perSecond) {
        this.api = api;
        this.apiKey = apiKey;
        this.url = url;
        this.every = Duration.ofNanos(1_000_000_000L / perSecond);
        this.thread = Thread.ofPlatform().name("load").daemon().start(this::run);
    }

    private void run() {
        long next = System.nanoTime();
        long n = 0;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += every.toNanos();
            long i = n++;
            inFlight.incrementAndGet();
            Thread.ofVirtual().start(() -> send(i));
        }
    }

    private void send(long i) {
        attempts.incrementAndGet();
        try {
            ChisApi.Reply reply = api.call(
                    "POST",
                    "/webhook/send",
                    apiKey,
                    Map.of("url", url, "eventType", "load.tick", "payload", Map.of("n", i)));
            if (reply.status() == 202) {
                accepted.add(reply.body().path("id").asText());
            } else {
                refuse("HTTP " + reply.status() + " "
                        + reply.body().path("title").asText(""));
            }
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            refuse(cause.getClass().getSimpleName());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void refuse(String why) {
        refused.incrementAndGet();
        refusals.computeIfAbsent(why.strip(), k -> new AtomicLong()).incrementAndGet();
    }

    /** The refusals by reason, e.g. {@code {HTTP 503 Service Unavailable=3, ConnectException=2}}. */
    String refusalReasons() {
        return refusals.toString();
    }

    /** A mark in the figures: attempts and refusals so far. */
    long[] mark() {
        return new long[] {attempts.get(), refused.get()};
    }

    /** Share of sends answered 202 since {@code mark}, in percent. */
    double availabilitySince(long[] mark) {
        long tried = attempts.get() - mark[0];
        return tried == 0 ? 100.0 : 100.0 * (tried - (refused.get() - mark[1])) / tried;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the last sends are still in flight: wait for their answers (the client times out after 10 s)
        org.awaitility.Awaitility.await("last sends answered")
                .atMost(Duration.ofSeconds(15))
                .until(() -> inFlight.get() == 0);
    }
}
