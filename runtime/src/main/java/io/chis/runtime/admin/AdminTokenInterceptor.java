package io.chis.runtime.admin;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Admits admin calls that carry {@code authorization: Bearer <CHIS_ADMIN_TOKEN>}; none when no token is set. */
final class AdminTokenInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    AdminTokenInterceptor(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (expected == null) {
            call.close(
                    Status.UNAUTHENTICATED.withDescription("the admin API is off: CHIS_ADMIN_TOKEN is not set"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        String presented = headers.get(AUTHORIZATION);
        // constant-time comparison: the token guards every endpoint's configuration
        if (presented == null || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong admin token"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
