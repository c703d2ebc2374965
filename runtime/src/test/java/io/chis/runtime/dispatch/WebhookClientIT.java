package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Receivers that answer the headers and then never finish the body: the attempt ends at its deadline (the body read
 * included, not only the wait for the headers) and its connection is closed, so neither the worker slot nor the
 * pooled connection is held past the attempt timeout.
 */
class WebhookClientIT {

    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final byte[] BODY = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

    // one connection per host: a connection the client failed to let go of would keep the next request waiting
    private final WebhookClient client = new WebhookClient(1, Duration.ofSeconds(30), true);
    private final SlowReceiver receiver = new SlowReceiver();

    @AfterEach
    void close() {
        receiver.close();
        client.close();
    }

    @Test
    void aBodyDribbledForeverEndsAtTheDeadlineAndItsConnectionIsClosed() {
        fast(); // a cold client could spend the whole deadline starting up
        StepVerifier.create(client.post(receiver.uri("/dribble"), Map.of(), BODY, DEADLINE))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(20));
        assertThat(receiver.dribbled.get())
                .as("the body was still coming at the deadline")
                .isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.dropped.get() == 1);
        fast();
    }

    @Test
    void anEndlessBodyIsCutAfterItsFirstBytesWithoutWaitingForTheDeadline() {
        StepVerifier.create(client.post(receiver.uri("/flood"), Map.of(), BODY, Duration.ofSeconds(30)))
                .assertNext(response -> {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.body()).hasSize(WebhookClient.KEPT_BODY_BYTES);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.dropped.get() == 1);
        fast();
    }

    /** A request that the receiver answers at once: it gets the pool's only connection. */
    private void fast() {
        StepVerifier.create(client.post(receiver.uri("/fast"), Map.of(), BODY, Duration.ofSeconds(10)))
                .assertNext(response -> assertThat(response.status()).isEqualTo(200))
                .expectComplete()
                .verify(Duration.ofSeconds(20));
    }

    /**
     * A raw HTTP/1.1 receiver on 127.0.0.1: {@code /dribble} sends the headers of a chunked 200, then one byte every
     * 100 ms for ever; {@code /flood} sends chunks as fast as they are read, for ever; {@code /fast} answers at once.
     */
    static final class SlowReceiver implements AutoCloseable {
        private final ServerSocket server;
        final AtomicInteger dribbled = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();

        SlowReceiver() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        Thread.ofVirtual().start(() -> serve(socket));
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
        }

        private void serve(Socket socket) {
            try (socket;
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream()) {
                String head = readHead(in);
                in.readNBytes(contentLength(head));
                String path = head.split(" ", 3)[1];
                if (path.equals("/fast")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = path.equals("/flood")
                        ? ("2000\r\n" + "x".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII)
                        : "1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
                try {
                    while (true) {
                        out.write(chunk);
                        out.flush();
                        dribbled.incrementAndGet();
                        if (path.equals("/dribble")) Thread.sleep(100);
                    }
                } catch (IOException closedByTheClient) {
                    dropped.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                // the receiver is closing
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new IOException("closed before the headers ended");
                head.write(b);
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    return Integer.parseInt(
                            line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
