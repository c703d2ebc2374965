package io.chis.runtime.dispatch;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * POSTs webhooks with Reactor Netty: a connection pool per receiving host, redirects never followed, one deadline
 * for the whole exchange, and (unless private targets are allowed) the SSRF guard on every new connection.
 */
public final class WebhookClient implements AutoCloseable {

    /** How much of a response body is kept for the attempt's record. */
    public static final int KEPT_BODY_BYTES = 4096;
    // Past this the rest of a body is not read: the connection is dropped instead of drained.
    private static final long DRAINED_BODY_BYTES = 64 * 1024;

    /** The receiver's answer: what the outcome depends on, and the start of the body for the record. */
    public record Response(int status, String location, String retryAfter, String refused, String body) {}

    private final ConnectionProvider pool;
    private final HttpClient http;
    private final Duration timeout;

    public WebhookClient(int maxConnectionsPerHost, Duration timeout, boolean allowPrivateTargets) {
        this.timeout = timeout;
        this.pool = ConnectionProvider.builder("chis-webhooks")
                .maxConnections(maxConnectionsPerHost)
                .pendingAcquireMaxCount(maxConnectionsPerHost * 2)
                .pendingAcquireTimeout(timeout)
                .maxIdleTime(Duration.ofSeconds(20))
                .maxLifeTime(Duration.ofMinutes(5))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient client = HttpClient.create(pool)
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 10_000))
                .responseTimeout(timeout);
        if (!allowPrivateTargets) {
            client = client.doOnChannelInit(
                    (observer, channel, remote) -> channel.pipeline().addFirst("chis-target-guard", GUARD));
        }
        this.http = client;
    }

    /**
     * Sends one attempt within {@code deadline} (never longer than the configured timeout); errors (refused target,
     * timeout, connection failure) come out as the Mono's error.
     */
    public Mono<Response> post(URI url, Map<String, String> headers, byte[] body, Duration deadline) {
        return http.post()
                .uri(url)
                .send((request, out) -> {
                    headers.forEach(request::header);
                    request.header("Content-Length", String.valueOf(body.length));
                    return out.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
                })
                .response((response, content) -> {
                    AtomicLong read = new AtomicLong();
                    return content.asByteArray()
                            .takeUntil(chunk -> read.addAndGet(chunk.length) >= DRAINED_BODY_BYTES)
                            .collect(ByteArrayOutputStream::new, (kept, chunk) -> {
                                int room = KEPT_BODY_BYTES - kept.size();
                                if (room > 0) kept.write(chunk, 0, Math.min(room, chunk.length));
                            })
                            .map(kept -> new Response(
                                    response.status().code(),
                                    response.responseHeaders().get("Location"),
                                    response.responseHeaders().get("Retry-After"),
                                    response.responseHeaders().get(WebhookHeaders.REFUSED),
                                    text(kept.toByteArray())));
                })
                .next()
                // the whole exchange, body included (responseTimeout only bounds the gap between reads): a receiver
                // that dribbles its body is cut off here and its connection closed (WebhookClientIT)
                .timeout(effective(deadline));
    }

    public Duration timeout() {
        return timeout;
    }

    /** The lease and claim timeout are sized for the configured timeout, so a policy may only shorten it. */
    public Duration effective(Duration deadline) {
        return deadline == null || deadline.compareTo(timeout) > 0 ? timeout : deadline;
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(5));
    }

    // Lenient UTF-8 (a cut may split a character) without NULs, which PostgreSQL text refuses.
    static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString()
                    .replace('\0', '\uFFFD');
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ChannelHandler GUARD = new TargetGuardHandler();

    /** Checks the address a connection is actually opened to, after DNS resolution, before any byte is sent. */
    @ChannelHandler.Sharable
    private static final class TargetGuardHandler extends ChannelOutboundHandlerAdapter {
        @Override
        public void connect(
                ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            Optional<String> refusal = remote instanceof InetSocketAddress address && !address.isUnresolved()
                    ? TargetGuard.refusal(address.getAddress())
                    : Optional.of("refused to connect to " + remote + ": the address could not be checked");
            if (refusal.isPresent()) {
                promise.setFailure(new TargetRefusedException(refusal.get()));
                return;
            }
            ctx.connect(remote, local, promise);
        }
    }
}
