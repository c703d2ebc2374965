package io.chis.runtime.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import io.chis.stores.EmbeddedStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 20 s under a steady send load, then started again on the same port and data: every send is
 * answered 202 or 503 (never 500/502), every 202 reaches the receiver, and the workers resume within 10 s.
 */
class PostgresOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sendsAreAnswered202Or503AndEvery202IsDeliveredAfterPostgresComesBack() throws Exception {
        Path dir = Files.createTempDirectory("chis-pg-outage");
        int pgPort = TestRuntime.freePort();
        int unusedRedisPort = TestRuntime.freePort();
        // a PostgreSQL of its own that this test stops and starts (its Redis goes unused: the runtime's is TestStores')
        EmbeddedStores postgres = EmbeddedStores.start(dir, pgPort, unusedRedisPort, false);
        Map<String, String> env = TestRuntime.environment();
        env.put("DATABASE_URL", postgres.databaseUrl());
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                ChisRuntime runtime = TestRuntime.start(env)) {
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String body = "{\"url\":\"" + receiver.url("/hook") + "\",\"payload\":{\"n\":1}}";
            URI send = URI.create("http://127.0.0.1:" + runtime.settings().httpPort() + "/webhook/send");

            Set<String> accepted = ConcurrentHashMap.newKeySet();
            List<Integer> answers = new CopyOnWriteArrayList<>();
            var load = Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(send)
                                        .timeout(Duration.ofSeconds(15))
                                        .header("X-API-Key", key)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        answers.add(response.statusCode());
                        if (response.statusCode() == 202) {
                            Matcher id = ID.matcher(response.body());
                            if (id.find()) accepted.add(id.group(1));
                        } else if (response.statusCode() == 503) {
                            assertThat(response.headers().firstValue("Retry-After"))
                                    .isPresent();
                        }
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        answers.add(-1); // no answer at all
                    }
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() >= 20);

            postgres.close();
            Thread.sleep(OUTAGE.toMillis()); // the injected fault: PostgreSQL is gone this long
            postgres = EmbeddedStores.start(dir, pgPort, unusedRedisPort, false);
            long back = System.nanoTime();

            // the workers resume: something accepted after the restart is delivered within 10 s of it
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String id = api.send(key, body);
                accepted.add(id);
                return !receiver.requestsFor(id).isEmpty();
            });
            assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(10));
            load.interrupt();
            load.join(20_000);

            assertThat(answers).as("every send is answered 202 or 503").allMatch(s -> s == 202 || s == 503);
            assertThat(answers).contains(503); // the outage was seen
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
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
        } finally {
            postgres.close();
        }
    }
}
