package io.chis.runtime.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The {@code authorization: Bearer <token>} credential of gRPC calls: the admin token on AdminService, the internal
 * token on DeliveryService. The server side admits only calls carrying it; the client side attaches it.
 */
public final class BearerToken {

    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private BearerToken() {}

    /**
     * Refuses calls without the token with {@code UNAUTHENTICATED}; with no token configured, refuses every call
     * saying {@code whenUnset}.
     */
    public static ServerInterceptor required(String token, String service, String whenUnset) {
        byte[] expected = token == null ? null : header(token).getBytes(StandardCharsets.UTF_8);
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (expected == null) return refuse(call, whenUnset);
                String presented = headers.get(AUTHORIZATION);
                // constant-time comparison: the token is the whole credential
                if (presented == null || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
                    return refuse(call, "missing or wrong bearer token for " + service);
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Attaches the token to every call made through the channel it intercepts. */
    public static ClientInterceptor attached(String token) {
        String value = header(token);
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(AUTHORIZATION, value);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    private static String header(String token) {
        return "Bearer " + token;
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
