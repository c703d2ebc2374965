package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.TestRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Noisy neighbours: one tenant's receiver accepts connections and never answers; with CHIS_HOST_CONCURRENCY it holds
 * at most that many of the worker's slots, and another tenant's deliveries keep flowing meanwhile — also when both
 * tenants' endpoints are on one host, where the stalled endpoint holds at most half of the host's places.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostConcurrencyIT {

    static final int SLOTS = 8;
    static final int PER_HOST = 4;
    static final int PER_ENDPOINT = PER_HOST / 2;
    // far past every wait below: without the cap the tarpit would hold all slots this long
    static final String TIMEOUT = "90s";

    ChisRuntime runtime;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_WORKER_CONCURRENCY", String.valueOf(SLOTS));
        env.put("CHIS_HOST_CONCURRENCY", String.valueOf(PER_HOST));
        env.put("CHIS_DELIVERY_TIMEOUT", TIMEOUT);
        env.put("CHIS_SCHEDULER_TICK", "50ms");
        env.put("CHIS_WORKER_SHUTDOWN_GRACE", "0");
        runtime = TestRuntime.start(env);
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    @Test
    void aTarpitHoldsAtMostItsCapWhileAnotherTenantsDeliveriesComplete() {
        int port = runtime.settings().httpPort();
        try (Tarpit tarpit = new Tarpit();
                Receiver fast = Receiver.start(n -> Receiver.Reply.ok())) {
            Sender noisy = new Sender(port);
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < SLOTS + 4; i++) stuck.add(noisy.send(tarpit.url("/never"), "{\"n\":" + i + "}"));
            await().atMost(Duration.ofSeconds(20)).until(() -> tarpit.connections() == PER_HOST);

            Sender quiet = new Sender(port);
            List<String> flowing = new ArrayList<>();
            for (int i = 0; i < 3 * SLOTS; i++) flowing.add(quiet.send(fast.url("/ok"), "{\"n\":" + i + "}"));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> flowing.stream().allMatch(id -> "delivered".equals(quiet.status(id))));

            assertThat(tarpit.connections())
                    .as("requests the tarpit ever had open")
                    .isEqualTo(PER_HOST);
            for (String id : stuck) {
                Map<?, ?> message = noisy.message(id);
                assertThat(message.get("status")).as("message %s", id).isNotEqualTo("delivered");
                assertThat(noisy.attempts(id))
                        .as("waiting for the host is no attempt (those in flight are recorded when they end)")
                        .isEmpty();
            }
        }
    }

    @Test
    void aStalledEndpointLeavesTheRestOfItsHostToAnotherTenantsEndpoint() {
        int port = runtime.settings().httpPort();
        // both on 127.0.0.1: one host (the port does not count), as many tenants' hooks share one SaaS host
        try (Tarpit tarpit = new Tarpit("127.0.0.1");
                Receiver fast = Receiver.start(n -> Receiver.Reply.ok())) {
            Sender noisy = new Sender(port);
            noisy.api.newEndpoint(
                    noisy.token, Map.of("name", "stalled", "url", tarpit.url("/never"), "eventTypes", List.of("x.y")));
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < SLOTS + 4; i++) stuck.add(noisy.api.fanOut(noisy.apiKey, "x.y"));
            await().atMost(Duration.ofSeconds(20)).until(() -> tarpit.connections() == PER_ENDPOINT);

            Sender quiet = new Sender(port);
            quiet.api.newEndpoint(
                    quiet.token, Map.of("name", "fast", "url", fast.url("/ok"), "eventTypes", List.of("x.y")));
            List<String> flowing = new ArrayList<>();
            for (int i = 0; i < 2 * SLOTS; i++) flowing.add(quiet.api.fanOut(quiet.apiKey, "x.y"));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> flowing.stream().allMatch(id -> "delivered".equals(quiet.status(id))));

            assertThat(tarpit.connections())
                    .as("requests the stalled endpoint ever had open")
                    .isEqualTo(PER_ENDPOINT);
            for (String id : stuck) {
                assertThat(noisy.status(id)).as("message %s", id).isNotEqualTo("delivered");
                assertThat(noisy.attempts(id))
                        .as("waiting for the endpoint is no attempt")
                        .isEmpty();
            }
        }
    }

    /** A receiver that accepts every connection and never answers. */
    static final class Tarpit implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        /** On 127.0.0.2, a host of its own. */
        Tarpit() {
            this("127.0.0.2");
        }

        Tarpit(String address) {
            try {
                server = new ServerSocket(0, 50, InetAddress.getByName(address));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) accepted.add(server.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        String url(String path) {
            return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort() + path;
        }

        int connections() {
            return accepted.size();
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket socket : accepted) socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
