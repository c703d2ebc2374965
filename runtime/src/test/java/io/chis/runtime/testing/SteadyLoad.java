package io.chis.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.dispatch.Receiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sends a webhook every 50 ms from a thread of its own and notes each answer (its status, or -1 for none) and the id
 * of each accepted (202) message, for the fault tests that break a store under load.
 */
public final class SteadyLoad implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private final List<String> withoutRetryAfter = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private SteadyLoad(URI send, String apiKey, String body) {
        thread = Thread.ofPlatform().name("steady-load").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(send)
                                    .timeout(Duration.ofSeconds(15))
                                    .header("X-API-Key", apiKey)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    answers.add(response.statusCode());
                    if (response.statusCode() == 202) {
                        Matcher id = ID.matcher(response.body());
                        if (id.find()) accepted.add(id.group(1));
                    } else if (response.statusCode() == 503
                            && response.headers().firstValue("Retry-After").isEmpty()) {
                        withoutRetryAfter.add(response.body());
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    answers.add(-1); // no answer at all
                }
            }
        });
    }

    /** Starts sending {@code body} to {@code POST /webhook/send} on the api at {@code httpPort}. */
    public static SteadyLoad start(int httpPort, String apiKey, String body) {
        return new SteadyLoad(URI.create("http://127.0.0.1:" + httpPort + "/webhook/send"), apiKey, body);
    }

    public Set<String> accepted() {
        return accepted;
    }

    public List<Integer> answers() {
        return answers;
    }

    /** Waits until {@code n} more sends than now have been accepted. */
    public void awaitAccepted(int n, Duration within) {
        int target = accepted.size() + n;
        await().atMost(within).until(() -> accepted.size() >= target);
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(20_000);
    }

    /** Stops, then: every send answered 202 or {@code also} (503s with Retry-After), never 5xx else or no answer. */
    public void assertAnswered(int... also) throws InterruptedException {
        close();
        Set<Integer> allowed = java.util.stream.IntStream.concat(
                        java.util.stream.IntStream.of(202), java.util.stream.IntStream.of(also))
                .boxed()
                .collect(Collectors.toSet());
        assertThat(answers).as("every send is answered " + allowed).allMatch(allowed::contains);
        assertThat(withoutRetryAfter).as("503s without Retry-After").isEmpty();
    }

    /** Every accepted message reaches the receiver, each exactly once (by {@code webhook-id}). */
    public static void assertDeliveredExactlyOnce(Receiver receiver, Set<String> accepted, Duration within) {
        await().atMost(within).untilAsserted(() -> {
            Set<String> delivered = receiver.requests().stream()
                    .map(r -> r.header("webhook-id"))
                    .collect(Collectors.toSet());
            assertThat(delivered).containsAll(accepted);
        });
        Map<String, Long> perWebhook = receiver.requests().stream()
                .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
        assertThat(perWebhook)
                .as("every accepted message delivered exactly once")
                .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1L));
    }
}
