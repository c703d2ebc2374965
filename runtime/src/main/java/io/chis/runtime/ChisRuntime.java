package io.chis.runtime;

import io.chis.common.Role;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.LocalSecrets;
import io.chis.runtime.config.Migrations;
import io.chis.runtime.config.Preflight;
import io.chis.runtime.config.SecuritySettings;
import io.chis.runtime.config.StartupFailure;
import io.chis.runtime.health.Readiness;
import io.chis.runtime.roles.ApiRole;
import io.chis.runtime.roles.DeliveryRole;
import io.chis.runtime.roles.SchedulerRole;
import io.chis.runtime.roles.WorkerRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running Chis process on the stores named by its settings: migrations in {@code all} mode, then the Spring
 * context with the beans of the chosen roles. Closing it stops them.
 */
public final class ChisRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChisRuntime.class);

    /** What the production jar says, and exits with, when it is started without its stores. */
    public static final String STORES_REQUIRED =
            "chis: set DATABASE_URL and REDIS_URL (or run the whole system locally with make run)";

    private final ConfigurableApplicationContext context;
    private final ChisSettings settings;

    private ChisRuntime(ConfigurableApplicationContext context, ChisSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    /**
     * Starts the roles on running stores: the settings name both (make run's dev jar starts them first).
     *
     * @throws io.chis.runtime.config.StartupFailure for a mistake the user can fix (a busy port, a missing secret,
     *     an unreachable database when all roles run, since they migrate first)
     */
    public static ChisRuntime start(ChisSettings requested) {
        ChisSettings settings = requested;
        if (settings.databaseUrl() == null || settings.redisUrl() == null) {
            throw StartupFailure.configuration(STORES_REQUIRED.substring("chis: ".length()));
        }
        Preflight.check(settings);
        if (Preflight.PLACEHOLDER_JWT_SECRET.equals(settings.jwtSecret())) {
            log.warn("JWT_SECRET is the placeholder from .env.example, so anyone can forge login tokens: set your own"
                    + " (openssl rand -base64 48)");
        }
        if (settings.jwtSecret() == null && settings.runs(Role.API)) {
            settings = settings.withJwtSecret(LocalSecrets.jwtSecret(settings.dataDir()));
        }
        if (settings.security().internalToken() == null && (settings.runs(Role.API) || settings.runs(Role.DELIVERY))) {
            // shared through the data dir by every role started on it (make run-api, run-grpc...)
            settings = settings.withInternalToken(LocalSecrets.internalToken(settings.dataDir()));
        }
        if (settings.runsAll()) {
            // Migrating needs the database now; a single role starts without it, answers 503 and resumes when it is
            // back.
            Preflight.checkReachable(DatabaseUrl.parse(settings.databaseUrl()));
            Migrations.apply(DatabaseUrl.parse(settings.databaseUrl()));
        }
        ConfigurableApplicationContext context = application(settings).run();
        log.info(banner(settings));
        return new ChisRuntime(context, settings);
    }

    /** What a newcomer needs after start-up: the version, the roles and where to reach them. */
    static String banner(ChisSettings settings) {
        String version = ChisRuntime.class.getPackage().getImplementationVersion();
        StringBuilder out = new StringBuilder("Chis " + (version == null ? "(development build)" : version)
                + " started, roles "
                + settings.roles().stream()
                        .map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                        .collect(java.util.stream.Collectors.joining(",")));
        if (settings.runs(Role.API)) {
            out.append("\n  REST     http://localhost:")
                    .append(settings.httpPort())
                    .append("/");
        }
        if (settings.runs(Role.DELIVERY)) out.append("\n  gRPC     localhost:").append(settings.grpcPort());
        out.append("\n  metrics  http://localhost:")
                .append(settings.metricsPort())
                .append("/metrics (health: /health)");
        if (settings.runsAll()) out.append("\n  data     ").append(settings.dataDir());
        return out.toString();
    }

    private static SpringApplicationBuilder application(ChisSettings settings) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=" + settings.httpPort(), "spring.main.banner-mode=off", "spring.application.name=chis"));
        SecuritySettings.TlsFiles tls = settings.security().restTls();
        if (tls != null) {
            // HTTPS from PEM files, re-read when they change (a renewed certificate needs no restart)
            properties.addAll(List.of(
                    "spring.ssl.bundle.pem.rest.keystore.certificate="
                            + tls.cert().toUri(),
                    "spring.ssl.bundle.pem.rest.keystore.private-key="
                            + tls.key().toUri(),
                    "spring.ssl.bundle.pem.rest.reload-on-update=true",
                    "server.ssl.bundle=rest"));
        }
        if (settings.bindAddress() != null) {
            properties.add("server.address=" + settings.bindAddress());
        }
        final ChisSettings effective = settings;
        return new SpringApplicationBuilder(ChisApplication.class)
                .sources(settings.roles().stream()
                        .map(ChisRuntime::configuration)
                        .toArray(Class<?>[]::new))
                .web(settings.runs(Role.API) ? WebApplicationType.REACTIVE : WebApplicationType.NONE)
                .registerShutdownHook(false)
                .properties(properties.toArray(String[]::new))
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("chisSettings", effective));
    }

    /** Where each role's beans are wired: one configuration per role. */
    private static Class<?> configuration(Role role) {
        return switch (role) {
            case API -> ApiRole.class;
            case DELIVERY -> DeliveryRole.class;
            case WORKER -> WorkerRole.class;
            case SCHEDULER -> SchedulerRole.class;
        };
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public ChisSettings settings() {
        return settings;
    }

    /**
     * What SIGTERM does. A process that serves through a Service (api, delivery) first turns unready and keeps
     * serving for {@code delay}, the time endpoint removal takes to reach kube-proxy and ingresses, so that clients
     * are not sent to a closed port; then it closes as {@link #close} does, gracefully (in-flight requests, gRPC calls
     * and attempts finish). Workers and the scheduler receive no traffic and close at once.
     */
    public void shutdown(Duration delay) {
        if (delay.isPositive() && (settings.runs(Role.API) || settings.runs(Role.DELIVERY))) {
            context.getBean(Readiness.class).drain(delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    /** Closes the roles now (gracefully, but with no drain delay). */
    @Override
    public void close() {
        context.close();
    }
}
