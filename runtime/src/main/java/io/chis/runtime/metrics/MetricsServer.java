package io.chis.runtime.metrics;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.health.HealthCheck;
import io.chis.runtime.health.Readiness;
import io.chis.runtime.health.StoreWatch;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /livez}, {@code GET /readyz}, {@code GET /health} and {@code GET /metrics} (Prometheus text) on
 * {@code METRICS_PORT}, in every role. Starts before and stops after everything else, so probes answer (503) while
 * the process starts and drains.
 */
@Component
public class MetricsServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);

    private final ChisSettings settings;
    private final PrometheusMeterRegistry registry;
    private final HealthCheck health;
    private final Readiness readiness;
    private final StoreWatch stores;
    private final ObjectMapper json = new ObjectMapper();
    private DisposableServer server;

    public MetricsServer(
            ChisSettings settings,
            PrometheusMeterRegistry registry,
            HealthCheck health,
            Readiness readiness,
            StoreWatch stores) {
        this.settings = settings;
        this.registry = registry;
        this.health = health;
        this.readiness = readiness;
        this.stores = stores;
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
                                "/livez",
                                (request, response) -> liveness()
                                        .flatMap(
                                                alive -> send(response, alive, Map.of("status", alive ? "UP" : "DOWN")))
                                        .then())
                        .get(
                                "/readyz",
                                (request, response) -> send(response, readiness.ready(), readiness())
                                        .then())
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

    /** Alive: this event loop answers (it is answering) and so does Reactor's parallel scheduler; no store is asked. */
    private Mono<Boolean> liveness() {
        return Mono.fromCallable(() -> true)
                .subscribeOn(Schedulers.parallel())
                .timeout(LIVENESS_TIMEOUT)
                .onErrorReturn(false);
    }

    private Map<String, Object> readiness() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", readiness.state().name());
        body.put("roles", health.roles());
        // reported, never decisive: a shared store outage must not take every replica out of the Service
        body.put("stores", stores.stores());
        return body;
    }

    private Mono<Void> send(HttpServerResponse response, boolean ok, Map<String, Object> body) {
        return response.status(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                .header("Content-Type", "application/json")
                .sendString(Mono.just(json.writeValueAsString(body)))
                .then();
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE / 2;
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
