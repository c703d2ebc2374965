package io.chis.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * {@code http_requests_total} and {@code http_request_duration_ms} for the REST API, labelled by route pattern
 * (not raw path, to keep the label set bounded), method and status.
 */
public class HttpMetricsFilter implements WebFilter {

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private final MeterRegistry registry;

    public HttpMetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> record(exchange, start));
    }

    /** Any method name a client invents would be a new series: the standard ones, else {@code OTHER}. */
    static String methodTag(String method) {
        return KNOWN_METHODS.contains(method) ? method : "OTHER";
    }

    private void record(ServerWebExchange exchange, long start) {
        PathPattern pattern = exchange.getAttribute(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE);
        String route = pattern != null ? pattern.getPatternString() : "unmatched";
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        String[] tags = {
            "method",
            methodTag(exchange.getRequest().getMethod().name()),
            "route",
            route,
            "status",
            String.valueOf(status == null ? 200 : status.value())
        };
        Counter.builder("http.requests")
                .description("HTTP requests served by the REST API")
                .tags(tags)
                .register(registry)
                .increment();
        DistributionSummary.builder("http.request.duration")
                .description("HTTP request latency")
                .baseUnit("ms")
                .serviceLevelObjectives(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
                .tags(tags)
                .register(registry)
                .record((System.nanoTime() - start) / 1_000_000.0);
    }
}
