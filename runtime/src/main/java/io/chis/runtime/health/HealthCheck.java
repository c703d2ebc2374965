package io.chis.runtime.health;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.SharedRedisConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Whether this process can reach its stores: {@code UP} only when PostgreSQL and Redis both answer. */
@Component
public class HealthCheck {

    public static final String POSTGRES = "postgres";
    public static final String REDIS = "redis";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** @param checks each store's answer: {@code UP}, or {@code DOWN: <why>} */
    public record Report(boolean up, Map<String, String> checks, Map<String, Object> body) {}

    private final DatabaseClient db;
    private final SharedRedisConnection redis;
    private final ChisSettings settings;

    public HealthCheck(DatabaseClient db, SharedRedisConnection redis, ChisSettings settings) {
        this.db = db;
        this.redis = redis;
        this.settings = settings;
    }

    public Mono<Report> check() {
        Mono<String> postgres = db.sql("select 1").fetch().first().map(row -> "UP");
        Mono<String> queue =
                redis.reactive().flatMap(commands -> commands.ping()).map(pong -> "UP");
        return Mono.zip(probe(postgres), probe(queue)).map(results -> {
            boolean up = results.getT1().equals("UP") && results.getT2().equals("UP");
            Map<String, String> checks = new LinkedHashMap<>();
            checks.put(POSTGRES, results.getT1());
            checks.put(REDIS, results.getT2());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "UP" : "DOWN");
            body.put("roles", roles());
            body.put("checks", checks);
            return new Report(up, checks, body);
        });
    }

    public java.util.List<String> roles() {
        return settings.roles().stream().map(r -> r.id()).toList();
    }

    public Mono<ServerResponse> response() {
        return check().flatMap(
                        report -> ServerResponse.status(report.up() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                                .bodyValue(report.body()));
    }

    private static Mono<String> probe(Mono<String> check) {
        return check.timeout(TIMEOUT)
                .onErrorResume(e -> Mono.just("DOWN: " + e.getClass().getSimpleName()))
                .defaultIfEmpty("DOWN");
    }
}
