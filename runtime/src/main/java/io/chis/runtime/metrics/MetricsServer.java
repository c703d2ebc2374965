package io.chis.runtime.metrics;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.health.HealthCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.ObjectMapper;

/** {@code GET /health} and {@code GET /metrics} (Prometheus text) on {@code METRICS_PORT}, in every role. */
@Component
public class MetricsServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ChisSettings settings;
    private final PrometheusMeterRegistry registry;
    private final HealthCheck health;
    private final ObjectMapper json = new ObjectMapper();
    private DisposableServer server;

    public MetricsServer(ChisSettings settings, PrometheusMeterRegistry registry, HealthCheck health) {
        this.settings = settings;
        this.registry = registry;
        this.health = health;
    }

    @Override
    public void start() {
        server = HttpServer.create()
                .bindAddress(() -> settings.listenAddress(settings.metricsPort()))
                .route(routes -> routes.get(
                                "/metrics",
                                (request, response) -> response.header("Content-Type", PROMETHEUS_TEXT)
                                        .sendString(Mono.fromCallable(registry::scrape), StandardCharsets.UTF_8))
                        .get(
                                "/health",
                                (request, response) -> health.check()
                                        .flatMap(report -> response.status(
                                                        report.up()
                                                                ? HttpResponseStatus.OK
                                                                : HttpResponseStatus.SERVICE_UNAVAILABLE)
                                                .header("Content-Type", "application/json")
                                                .sendString(Mono.just(json.writeValueAsString(report.body())))
                                                .then())))
                .bindNow();
        log.info("Health and metrics on port {}", server.port());
    }

    @Override
    public void stop() {
        if (server != null) server.disposeNow();
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
