package io.chis.runtime.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel to a role behind a Service name (the api's to the delivery role). It notices a backend that went away
 * without closing its connection by keepalive pings rather than by calls running into their deadlines, and when
 * calls fail because no connection can be made it reconnects (and re-resolves the name) at once instead of waiting
 * out gRPC's connect backoff, which grows to two minutes while the Service has no ready pod.
 */
public final class ServiceChannel {

    /** gRPC's shortest allowed keepalive time; the delivery role's server permits pings this often. */
    public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);

    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);
    // in a cluster a connect takes milliseconds; one that hangs goes to a pod that is gone
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_AT_MOST_EVERY = Duration.ofSeconds(1);

    private ServiceChannel() {}

    public static ManagedChannel open(String target, ChannelCredentials credentials) {
        return NettyChannelBuilder.forTarget(target, credentials)
                .keepAliveTime(KEEPALIVE_TIME.toSeconds(), TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .build();
    }

    /** Calls through it that fail {@code UNAVAILABLE} while {@code channel} cannot connect make it try again now. */
    public static ClientInterceptor reconnecting(ManagedChannel channel) {
        AtomicLong lastReset = new AtomicLong(System.nanoTime() - RECONNECT_AT_MOST_EVERY.toNanos());
        Runnable reconnect = () -> {
            // a server's own UNAVAILABLE (a store outage) arrives over a working connection: nothing to redo
            if (channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) return;
            long now = System.nanoTime();
            long last = lastReset.get();
            if (now - last >= RECONNECT_AT_MOST_EVERY.toNanos() && lastReset.compareAndSet(last, now)) {
                channel.resetConnectBackoff();
            }
        };
        return new ClientInterceptor() {
            @Override
            public <Q, A> ClientCall<Q, A> interceptCall(
                    MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<A> listener, Metadata headers) {
                        super.start(
                                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                    @Override
                                    public void onClose(Status status, Metadata trailers) {
                                        if (status.getCode() == Status.Code.UNAVAILABLE) reconnect.run();
                                        super.onClose(status, trailers);
                                    }
                                },
                                headers);
                    }
                };
            }
        };
    }
}
