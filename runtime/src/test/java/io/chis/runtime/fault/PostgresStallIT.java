package io.chis.runtime.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.Db;
import io.chis.runtime.testing.SteadyLoad;
import io.chis.runtime.testing.TestRuntime;
import io.chis.stores.EmbeddedStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stalled (its postmaster and backends paused with SIGSTOP) while sends are waiting for their commit: each
 * is answered 503 with Retry-After within the api's deadline, and once PostgreSQL resumes no message exists for any
 * of them ("503 means nothing was stored"), while every 202 is delivered exactly once.
 */
class PostgresStallIT {

    private static final Duration STALL = Duration.ofSeconds(12);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSendAnswered503WhilePostgresStallsIsNeverStored() throws Exception {
        Path dir = Files.createTempDirectory("chis-pg-stall");
        // a PostgreSQL of its own that this test pauses (its Redis goes unused: the runtime's is TestStores')
        EmbeddedStores postgres = EmbeddedStores.start(dir, 0, TestRuntime.freePort(), false);
        Map<String, String> env = TestRuntime.environment();
        env.put("DATABASE_URL", postgres.databaseUrl());
        long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid"))
                .getFirst()
                .strip());
        try (Receiver receiver = Receiver.start(n -> Receiver.Reply.ok());
                ChisRuntime runtime = TestRuntime.start(env)) {
            ApiClient api = new ApiClient(runtime.settings().httpPort());
            String key = api.newApiKey(api.newAccountToken());
            String body = "{\"url\":\"" + receiver.url("/hook") + "\",\"payload\":{\"n\":1}}";
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            accepted.add(api.send(key, body)); // the API key is now verified and remembered for a few seconds

            List<HttpResponse<String>> answers;
            signal("STOP", postmaster);
            try {
                // sent together, so they wait for their group commit on the stalled PostgreSQL
                List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
                for (int i = 0; i < 20; i++) sends.add(send(runtime.settings().httpPort(), key, body));
                answers = sends.stream().map(CompletableFuture::join).toList();
                // the stall outlives the answers, as a statement queued on the paused server would
                await().pollDelay(STALL.minusSeconds(6)).atMost(STALL).until(() -> true);
            } finally {
                signal("CONT", postmaster);
            }

            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            });
            // back: sends are accepted again
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> accepted.add(api.send(key, body)));

            Db db = new Db(postgres.databaseUrl());
            // nothing committed late: the stored messages stay exactly the accepted ones
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> db.query("select id::text as id from messages").stream()
                            .map(row -> (String) row.get("id"))
                            .collect(java.util.stream.Collectors.toSet())
                            .equals(accepted));
            SteadyLoad.assertDeliveredExactlyOnce(receiver, accepted, Duration.ofSeconds(30));
        } finally {
            signal("CONT", postmaster);
            postgres.close();
        }
    }

    private CompletableFuture<HttpResponse<String>> send(int port, String key, String body) {
        long start = System.nanoTime();
        return http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook/send"))
                                .timeout(Duration.ofSeconds(15))
                                .header("X-API-Key", key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .whenComplete((answer, error) -> assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("answered within the api's deadline and a little")
                        .isLessThan(Duration.ofSeconds(8)));
    }

    /** Sends the signal to the postmaster and every backend it has forked. */
    private static void signal(String signal, long postmaster) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(postmaster)));
        ProcessHandle.of(postmaster).stream()
                .flatMap(p -> Stream.concat(p.children(), p.descendants()))
                .map(p -> String.valueOf(p.pid()))
                .distinct()
                .forEach(command::add);
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        kill.waitFor();
    }
}
