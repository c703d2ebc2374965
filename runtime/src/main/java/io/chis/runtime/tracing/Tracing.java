package io.chis.runtime.tracing;

import io.chis.runtime.config.Setting;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The process's traces (README "Tracing"): off, and every hook a single check, unless an OTLP endpoint is
 * configured; then the OpenTelemetry SDK, set up from the standard {@code OTEL_*} variables, exports over
 * OTLP/HTTP. Across Reactor's thread hops the current span travels in the Reactor context under {@link #KEY}.
 */
public final class Tracing {

    /** The attribute names of this runtime's spans beside OpenTelemetry's semantic conventions. */
    public static final String MESSAGE_ID = "chis.message.id", DELIVERY_ID = "chis.delivery.id";

    static final String TRACEPARENT = "traceparent";
    static final Object KEY = Context.class;
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static final Logger log = LoggerFactory.getLogger(Tracing.class);
    private static volatile Tracer tracer;

    private Tracing() {}

    /**
     * Starts exporting when an endpoint is set in {@code env} (or the matching {@code otel.*} system property);
     * returns the SDK to {@link #stop}, or null when tracing stays off.
     */
    static synchronized OpenTelemetrySdk start(Map<String, String> env, Properties system) {
        String endpoint = first(
                system.getProperty("otel.exporter.otlp.traces.endpoint"),
                env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
                system.getProperty("otel.exporter.otlp.endpoint"),
                Setting.OTEL_EXPORTER_OTLP_ENDPOINT.raw(env));
        boolean disabled = "true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", ""))
                || Boolean.getBoolean("otel.sdk.disabled");
        // one export per JVM: a second runtime in the same JVM (tests, the dev jar) shares the first one's
        if (endpoint == null || disabled || tracer != null) return null;
        // defaults only: the OTEL_* variables and otel.* properties override them
        Map<String, String> defaults = new HashMap<>(Map.of(
                "otel.service.name", "chis",
                "otel.traces.exporter", "otlp",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none",
                "otel.exporter.otlp.protocol", "http/protobuf"));
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        tracer = sdk.getTracer("io.chis.runtime");
        TraceScope.propagate(true);
        log.info("Tracing on: spans go over OTLP/HTTP to {}", endpoint);
        return sdk;
    }

    /** Flushes and stops the SDK {@link #start} returned; tracing is off again. */
    static synchronized void stop(OpenTelemetrySdk sdk) {
        if (sdk == null) return;
        tracer = null;
        TraceScope.propagate(false);
        sdk.close();
    }

    private static String first(String... values) {
        for (String value : values) if (value != null && !value.isBlank()) return value;
        return null;
    }

    /** The one check every hook makes. */
    public static boolean on() {
        return tracer != null;
    }

    /** A span builder; only called when {@link #on}. */
    public static SpanBuilder span(String name, SpanKind kind, Context parent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
    }

    /** The current span's context for the Reactor pipeline below: {@code mono.contextWrite(Tracing.with(ctx))}. */
    public static java.util.function.Function<reactor.util.context.Context, reactor.util.context.Context> with(
            Context context) {
        return reactor -> reactor.put(KEY, context);
    }

    /** The span a Reactor pipeline runs under, else the thread's current one. */
    public static Context current(ContextView reactor) {
        return reactor.getOrDefault(KEY, Context.current());
    }

    /** Runs {@code work} with the pipeline's span current on this thread (for code that reads {@link Context#current}). */
    public static void runIn(ContextView reactor, Runnable work) {
        if (!on()) {
            work.run();
            return;
        }
        try (Scope ignored = TraceScope.open(current(reactor))) {
            work.run();
        }
    }

    /** Makes the context current on this thread, its span's ids in the logging MDC, until the scope closes. */
    public static Scope makeCurrent(Context context) {
        return TraceScope.open(context);
    }

    /** {@code work} under the trace a stored {@code traceparent} names (its logs carry that trace id). */
    public static <T> Mono<T> within(String traceparent, Mono<T> work) {
        return on() && traceparent != null ? work.contextWrite(with(parent(traceparent))) : work;
    }

    /** {@code work} inside an internal span named {@code name}, child of the pipeline's span; as is when off. */
    public static <T> Mono<T> inSpan(String name, Mono<T> work) {
        if (!on()) return work;
        return Mono.deferContextual(reactor -> {
            Context parent = current(reactor);
            Span span = span(name, SpanKind.INTERNAL, parent).startSpan();
            return work.contextWrite(with(parent.with(span)))
                    .doOnError(e -> failed(span, e))
                    .doFinally(signal -> span.end());
        });
    }

    /** Marks the span failed with the error's type and message. */
    public static void failed(Span span, Throwable e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.toString());
    }

    /** The W3C {@code traceparent} of the pipeline's span (kept with a message), or null when off or none. */
    public static String traceparent(ContextView reactor) {
        return on() ? traceparent(current(reactor)) : null;
    }

    /** The W3C {@code traceparent} header value naming {@code context}'s span, or null when it has none. */
    public static String traceparent(Context context) {
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a stored or received {@code traceparent} names; the root context when it is null or invalid. */
    public static Context parent(String traceparent) {
        if (traceparent == null) return Context.root();
        return W3C.extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP_GETTER);
    }

    /** Extracts the W3C context from any carrier (HTTP headers, gRPC metadata). */
    static <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return W3C.extract(Context.root(), carrier, getter);
    }

    /** Injects the context's {@code traceparent} into a carrier. */
    static <C> void inject(Context context, C carrier, io.opentelemetry.context.propagation.TextMapSetter<C> setter) {
        W3C.inject(context, carrier, setter);
    }
}
