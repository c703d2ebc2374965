package io.chis.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/** A server span per REST request, child of the caller's {@code traceparent} when it sends one. */
public class RestTracingFilter implements WebFilter {

    private static final TextMapGetter<HttpHeaders> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders headers) {
            return headers.headerNames();
        }

        @Override
        public String get(HttpHeaders headers, String key) {
            return headers == null ? null : headers.getFirst(key);
        }
    };

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!Tracing.on()) return chain.filter(exchange);
        String method = exchange.getRequest().getMethod().name();
        Context parent = Tracing.extract(exchange.getRequest().getHeaders(), GETTER);
        Span span = Tracing.span(method, SpanKind.SERVER, parent)
                .setAttribute("http.request.method", method)
                .setAttribute("url.path", exchange.getRequest().getPath().value())
                .startSpan();
        return chain.filter(exchange)
                .contextWrite(Tracing.with(parent.with(span)))
                .doFinally(signal -> end(span, method, exchange));
    }

    private static void end(Span span, String method, ServerWebExchange exchange) {
        // named by route pattern, not raw path, like the HTTP metrics
        PathPattern pattern = exchange.getAttribute(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE);
        if (pattern != null) {
            span.updateName(method + " " + pattern.getPatternString());
            span.setAttribute("http.route", pattern.getPatternString());
        }
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = status == null ? 200 : status.value();
        span.setAttribute("http.response.status_code", code);
        if (code >= 500) span.setStatus(StatusCode.ERROR);
        span.end();
    }
}
