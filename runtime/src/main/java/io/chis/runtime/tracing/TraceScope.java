package io.chis.runtime.tracing;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.MDC;
import reactor.core.publisher.Hooks;

/**
 * Makes a span current on this thread with its {@code trace_id} and {@code span_id} in the logging MDC; while
 * tracing is on, Reactor does the same on every thread hop for the span its pipeline carries.
 */
final class TraceScope implements ThreadLocalAccessor<Context> {

    static final String TRACE_ID = "trace_id", SPAN_ID = "span_id";
    private static final ThreadLocal<Deque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static boolean registered;

    /** Reactor's automatic context propagation, for this accessor only while tracing is on. */
    static synchronized void propagate(boolean on) {
        if (on && !registered) {
            ContextRegistry.getInstance().registerThreadLocalAccessor(new TraceScope());
            registered = true;
        }
        if (on) Hooks.enableAutomaticContextPropagation();
        else Hooks.disableAutomaticContextPropagation();
    }

    static Scope open(Context context) {
        Scope scope = context.makeCurrent();
        String traceId = MDC.get(TRACE_ID), spanId = MDC.get(SPAN_ID);
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
        } else {
            MDC.remove(TRACE_ID);
            MDC.remove(SPAN_ID);
        }
        return () -> {
            scope.close();
            restore(TRACE_ID, traceId);
            restore(SPAN_ID, spanId);
        };
    }

    private static void restore(String key, String value) {
        if (value == null) MDC.remove(key);
        else MDC.put(key, value);
    }

    @Override
    public Object key() {
        return Tracing.KEY;
    }

    @Override
    public Context getValue() {
        Context current = Context.current();
        return current == Context.root() ? null : current;
    }

    @Override
    public void setValue(Context value) {
        OPEN.get().push(open(value));
    }

    @Override
    public void setValue() {
        OPEN.get().push(open(Context.root()));
    }

    @Override
    public void restore(Context previous) {
        close();
    }

    @Override
    public void restore() {
        close();
    }

    private static void close() {
        Scope scope = OPEN.get().poll();
        if (scope != null) scope.close();
    }
}
