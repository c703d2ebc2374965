package io.chis.runtime.config;

import java.util.Map;

/**
 * Every environment variable the runtime reads, with its default and meaning: the one table that both the parsing
 * ({@link ChisSettings#fromEnv}, {@link DeliverySettings#fromEnv}) and {@code --help} use, so they cannot drift.
 */
public enum Setting {
    CHIS_ROLES("all", "roles this process runs: a comma list of api, delivery, worker, scheduler, or all"),
    DATABASE_URL(
            null,
            "unset: embedded (make run only)",
            "PostgreSQL, e.g. postgres://user:pass@host:5432/db?sslmode=disable"),
    REDIS_URL(null, "unset: embedded (make run only)", "Redis: redis://[user:pass@]host:port[/db] or rediss://"),
    JWT_SECRET(
            null,
            "all roles: generated into CHIS_DATA_DIR/jwt-secret",
            "HMAC key for login tokens, at least 32 bytes (openssl rand -base64 48); required for a separate api role"),
    GRPC_ADDRESS("localhost:50051", "where the api role finds the delivery role"),
    HTTP_PORT("8080", "the REST API's port (api role)"),
    GRPC_PORT("50051", "the gRPC port (delivery role)"),
    METRICS_PORT("9090", "GET /health and /metrics (every role)"),
    CHIS_MAX_PAYLOAD_BYTES("262144", "largest accepted payload, in bytes"),
    CHIS_DATA_DIR("./.chis", "where the embedded stores and the generated JWT key live"),
    CHIS_ALLOW_PRIVATE_TARGETS(
            null,
            "true only with all roles on embedded stores",
            "allow deliveries to loopback, private and link-local addresses"),
    CHIS_ADMIN_TOKEN(
            null, "unset: the admin API refuses every call", "bearer token of the delivery role's admin gRPC API"),
    CHIS_WORKER_CONCURRENCY("64", "attempts in flight per worker process"),
    CHIS_HOST_CONCURRENCY(null, "CHIS_WORKER_CONCURRENCY / 4, at least 1", "attempts in flight to one host per worker"),
    CHIS_DELIVERY_TIMEOUT("30s", "one attempt, connect to last byte of the response"),
    CHIS_CLAIM_TIMEOUT(
            null, "2 x CHIS_DELIVERY_TIMEOUT", "idle time after which another worker takes over a queued delivery"),
    CHIS_WORKER_SHUTDOWN_GRACE("10s", "how long a stopping worker lets attempts finish"),
    CHIS_SHUTDOWN_DELAY(
            "5s",
            "5s (make run's dev jar: 0 unless set)",
            "how long a stopping api or delivery process stays unready (/readyz 503) but serving before it shuts down,"
                    + " so that Services stop sending to it first; 0 stops at once"),
    CHIS_SCHEDULER_TICK("200ms", "how often due retries are queued again"),
    CHIS_SWEEP_INTERVAL("15s", "how often PostgreSQL is swept for work Redis lost"),
    CHIS_SWEEP_GRACE("60s", "how long past its due time a delivery waits before the sweep queues it again"),
    CHIS_DEFAULT_POLICY(null, "the built-in schedule", "the DeliveryPolicy for deliveries whose endpoint names none"),
    CHIS_DB_POOL_SIZE("10", "PostgreSQL connections this process may open (all its roles together)"),
    CHIS_RETENTION("30d", "how long messages, deliveries and attempts are kept; 0 keeps everything"),
    CHIS_BIND_ADDRESS(null, "all interfaces", "the IP address every listener (REST, gRPC, metrics) binds"),
    CHIS_INTERNAL_TOKEN(
            null,
            "read or generated at CHIS_DATA_DIR/internal-token",
            "the roles' bearer token on the delivery role's DeliveryService"),
    CHIS_GRPC_TLS_CERT(null, "unset: plaintext gRPC", "PEM certificate for gRPC mutual TLS (with _KEY and _CA)"),
    CHIS_GRPC_TLS_KEY(null, "unset: plaintext gRPC", "PEM private key for gRPC mutual TLS"),
    CHIS_GRPC_TLS_CA(null, "unset: plaintext gRPC", "PEM CA that signs every role's gRPC certificate"),
    CHIS_TLS_CERT(null, "unset: HTTP", "PEM certificate: the REST port serves HTTPS (with CHIS_TLS_KEY)"),
    CHIS_TLS_KEY(null, "unset: HTTP", "PEM private key of the REST port"),
    CHIS_REGISTRATION("open", "open or closed: whether POST /auth/register creates accounts"),
    CHIS_AUTH_RATE(
            null,
            "email:10/1m,address:300/1m",
            "failed logins/registrations per e-mail, and /auth requests per client address"),
    CHIS_ACCOUNT_SEND_RATE(null, "unlimited", "sends per account, e.g. 100/1s or 6000/1m"),
    CHIS_MAX_ENDPOINTS_PER_ACCOUNT("100", "endpoints one account may have"),
    CHIS_HTTP_IDLE_TIMEOUT("60s", "a REST connection that sends nothing is closed after this"),
    CHIS_ENDPOINT_DISABLE_AFTER(
            "5d", "an endpoint whose attempts have all failed for this long is disabled; 0 never disables one"),
    CHIS_LOG_FORMAT("text", "text, or json: Spring Boot's structured JSON logs (ECS; logstash names that format)"),
    OTEL_EXPORTER_OTLP_ENDPOINT(
            null, "unset: tracing off", "OTLP/HTTP collector for traces, e.g. http://otel-collector:4318"),
    OTEL_SERVICE_NAME("chis", "the service.name of exported spans"),
    OTEL_TRACES_SAMPLER(
            "parentbased_always_on",
            "which traces are kept, e.g. parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG=0.1");

    private final String defaultValue;
    private final String defaultText;
    private final String description;

    Setting(String defaultValue, String description) {
        this(defaultValue, defaultValue, description);
    }

    Setting(String defaultValue, String defaultText, String description) {
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.description = description;
    }

    /** The trimmed value from the environment, or null when unset or blank. */
    public String raw(Map<String, String> env) {
        String value = env.get(name());
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The value from the environment, else this table's default (null when the default is computed). */
    public String value(Map<String, String> env) {
        String raw = raw(env);
        return raw != null ? raw : defaultValue;
    }

    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    /** The {@code --help} text: the commands, then every variable with its default. */
    public static String help(String jar, String commands) {
        StringBuilder out = new StringBuilder("usage: java -jar " + jar + " [command]\n\ncommands:\n" + commands
                + "\nenvironment (README \"Configuration\"):\n");
        for (Setting setting : values()) {
            out.append(String.format(
                    "  %-27s %s%n  %-27s   default: %s%n",
                    setting.name(),
                    setting.description,
                    "",
                    setting.defaultText == null ? "unset" : setting.defaultText));
        }
        return out.toString();
    }
}
