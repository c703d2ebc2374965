package io.chis.runtime.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/** Client and server spans for the api → delivery gRPC calls, the W3C context carried in the call's metadata. */
public final class GrpcTracing {

    public static final ClientInterceptor CLIENT = new Client();
    public static final ServerInterceptor SERVER = new Server();

    private static final TextMapSetter<Metadata> SETTER =
            (metadata, key, value) -> metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
    private static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata metadata) {
            return metadata.keys();
        }

        @Override
        public String get(Metadata metadata, String key) {
            return metadata == null ? null : metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    private GrpcTracing() {}

    private static Span start(MethodDescriptor<?, ?> method, SpanKind kind, Context parent) {
        return Tracing.span(method.getFullMethodName(), kind, parent)
                .setAttribute("rpc.system", "grpc")
                .setAttribute("rpc.service", method.getServiceName())
                .setAttribute("rpc.method", method.getBareMethodName())
                .startSpan();
    }

    private static void end(Span span, Status status) {
        span.setAttribute("rpc.grpc.status_code", status.getCode().value());
        if (!status.isOk()) span.setStatus(StatusCode.ERROR, status.getCode().name());
        span.end();
    }

    /** The caller's side: a client span, child of the current context, whose context goes out as metadata. */
    private static final class Client implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            if (!Tracing.on()) return next.newCall(method, options);
            Context parent = Context.current();
            Span span = start(method, SpanKind.CLIENT, parent);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    Tracing.inject(parent.with(span), headers, SETTER);
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    end(span, status);
                                    super.onClose(status, trailers);
                                }
                            },
                            headers);
                }
            };
        }
    }

    /** The delivery role's side: a server span, child of the caller's, current while the call's callbacks run. */
    private static final class Server implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!Tracing.on()) return next.startCall(call, headers);
            Context parent = Tracing.extract(headers, GETTER);
            Span span = start(call.getMethodDescriptor(), SpanKind.SERVER, parent);
            Context context = parent.with(span);
            ServerCall<Q, R> traced = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    end(span, status);
                    super.close(status, trailers);
                }
            };
            ServerCall.Listener<Q> listener;
            try (Scope ignored = Tracing.makeCurrent(context)) {
                listener = next.startCall(traced, headers);
            }
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onMessage(Q message) {
                    try (Scope ignored = Tracing.makeCurrent(context)) {
                        super.onMessage(message);
                    }
                }

                @Override
                public void onHalfClose() {
                    try (Scope ignored = Tracing.makeCurrent(context)) {
                        super.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    span.setStatus(StatusCode.ERROR, "cancelled");
                    span.end();
                    super.onCancel();
                }
            };
        }
    }
}
