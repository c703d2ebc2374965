package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver.Reply;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.TestRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A FIFO endpoint (README "Ordered delivery"): 200 messages reach the receiver in acceptance order, one at a time,
 * while the first ones fail twice each, two worker processes compete for them, and the worker holding one is
 * stopped abruptly mid-attempt.
 */
class FifoDeliveryIT {

    private static final int MESSAGES = 200;
    private static final int FAILING_TWICE = 3;
    private static final int KILLED_AT = 100;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, String> shared = TestRuntime.environment();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : running.reversed()) closeable.close();
    }

    private ChisRuntime start(String roles) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("CHIS_ROLES", roles);
        env.put("HTTP_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("METRICS_PORT", String.valueOf(TestRuntime.freePort()));
        if (!roles.contains("delivery")) env.put("GRPC_PORT", String.valueOf(TestRuntime.freePort()));
        env.put("CHIS_WORKER_CONCURRENCY", "8");
        env.put("CHIS_DELIVERY_TIMEOUT", "3s");
        env.put("CHIS_CLAIM_TIMEOUT", "6s");
        env.put("CHIS_SCHEDULER_TICK", "100ms");
        env.put("CHIS_SWEEP_INTERVAL", "1s");
        env.put("CHIS_SWEEP_GRACE", "2s");
        env.put("CHIS_WORKER_SHUTDOWN_GRACE", "0");
        ChisRuntime runtime = TestRuntime.start(env);
        running.add(runtime);
        return runtime;
    }

    @Test
    void aFifoEndpointGetsEveryMessageInAcceptanceOrderOneAtATimeThroughFailuresAndAWorkerKill() {
        ChisRuntime core = start("api,delivery,scheduler");
        Sender sender = new Sender(core.settings().httpPort());
        Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        Receiver receiver = Receiver.start((index, request) -> {
            int n = number(request);
            int attempt = attempts.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
            // held past the worker's life: that worker is stopped while the receiver has not answered
            if (n == KILLED_AT && attempt == 1) return Reply.ok().after(Duration.ofSeconds(20));
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5); // a window in which a second attempt in flight would be seen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            return Reply.status(n < FAILING_TWICE && attempt <= 2 ? 500 : 200);
        });
        running.add(receiver);
        sender.api.newEndpoint(
                sender.token,
                Map.of(
                        "name",
                        "ledger",
                        "url",
                        receiver.url("/ledger"),
                        "eventTypes",
                        List.of("ledger.*"),
                        "ordering",
                        "fifo"));
        List<ChisRuntime> workers = new ArrayList<>(List.of(start("worker"), start("worker")));

        for (int n = 0; n < MESSAGES; n++) {
            sender.api.send(sender.apiKey, "{\"eventType\":\"ledger.entry\",\"payload\":{\"n\":" + n + "}}");
        }

        // stop the worker holding message 100 mid-attempt; a new one joins, so two compete again
        await().atMost(Duration.ofSeconds(60)).until(() -> attempts.containsKey(KILLED_AT));
        ChisRuntime holder = await().atMost(Duration.ofSeconds(5))
                .until(() -> workers.stream().filter(w -> inFlight(w) > 0).toList(), holding -> holding.size() == 1)
                .getFirst();
        workers.remove(holder);
        running.remove(holder);
        holder.close();
        workers.add(start("worker"));

        Db db = new Db(shared.get("DATABASE_URL"));
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> db.count("select count(*) from deliveries where status = 'delivered'") == MESSAGES);

        List<Integer> arrivals =
                receiver.requests().stream().map(FifoDeliveryIT::number).toList();
        for (int i = 1; i < arrivals.size(); i++) {
            int before = arrivals.get(i - 1), now = arrivals.get(i);
            assertThat(now)
                    .as("arrival %d follows %d: the same message again or the next one", i, before)
                    .isIn(before, before + 1);
        }
        assertThat(arrivals.getFirst()).isZero();
        assertThat(arrivals.getLast()).isEqualTo(MESSAGES - 1);
        assertThat(mostInFlight.get()).as("attempts in flight at once").isEqualTo(1);
        Map<Integer, Long> perMessage =
                arrivals.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perMessage).hasSize(MESSAGES);
        IntStream.range(0, FAILING_TWICE)
                .forEach(n -> assertThat(perMessage.get(n)).isEqualTo(3));
        assertThat(perMessage.get(KILLED_AT))
                .as("the stopped attempt and the take-over")
                .isEqualTo(2);
        assertThat(perMessage.values().stream().filter(c -> c == 1).count()).isEqualTo(MESSAGES - FAILING_TWICE - 1);
    }

    private static int number(Receiver.Request request) {
        String body = new String(request.body(), StandardCharsets.UTF_8);
        return Integer.parseInt(body.replaceAll("\\D", ""));
    }

    /** The worker's {@code chis_worker_in_flight} gauge, from its metrics port. */
    private int inFlight(ChisRuntime worker) {
        try {
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:"
                                            + worker.settings().metricsPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return metrics.lines()
                    .filter(line -> line.startsWith("chis_worker_in_flight"))
                    .map(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst()
                    .orElse(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
