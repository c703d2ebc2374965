package io.chis.runtime;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.EmbeddedStores;
import io.chis.runtime.config.JwtSecrets;
import io.chis.runtime.config.Migrations;
import io.chis.runtime.config.Role;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running Chis process: embedded stores when no URLs are given, migrations in {@code all} mode, then the
 * Spring context with the beans of the chosen roles. Closing it stops them in reverse order.
 */
public final class ChisRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChisRuntime.class);

    private final ConfigurableApplicationContext context;
    private final EmbeddedStores stores;
    private final ChisSettings settings;

    private ChisRuntime(ConfigurableApplicationContext context, EmbeddedStores stores, ChisSettings settings) {
        this.context = context;
        this.stores = stores;
        this.settings = settings;
    }

    public static ChisRuntime start(ChisSettings requested) {
        ChisSettings settings = requested;
        EmbeddedStores stores = null;
        if (settings.databaseUrl() == null || settings.redisUrl() == null) {
            if (settings.databaseUrl() != null || settings.redisUrl() != null) {
                throw new IllegalArgumentException("set both DATABASE_URL and REDIS_URL, or neither for embedded stores");
            }
            stores = EmbeddedStores.start(settings.dataDir(), 0, 0);
            settings = settings.withStores(stores.databaseUrl(), stores.redisUrl());
        }
        try {
            if (settings.jwtSecret() == null && settings.runs(Role.API)) {
                if (!settings.runsAll()) {
                    throw new IllegalArgumentException("JWT_SECRET is required for the api role (at least "
                            + ChisSettings.MIN_JWT_SECRET_BYTES + " bytes; openssl rand -base64 48)");
                }
                settings = settings.withJwtSecret(JwtSecrets.loadOrCreate(settings.dataDir()));
            }
            if (settings.runsAll() || stores != null) {
                Migrations.apply(DatabaseUrl.parse(settings.databaseUrl()));
            }
            ConfigurableApplicationContext context = application(settings).run();
            log.info("Chis started with roles {}", settings.roles());
            return new ChisRuntime(context, stores, settings);
        } catch (RuntimeException e) {
            if (stores != null) stores.close();
            throw e;
        }
    }

    private static SpringApplicationBuilder application(ChisSettings settings) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=" + settings.httpPort(),
                "spring.main.banner-mode=off",
                "spring.application.name=chis"));
        if (settings.bindAddress() != null) {
            properties.add("server.address=" + settings.bindAddress());
        }
        for (Role role : Role.values()) {
            properties.add("chis.role." + role.id() + "=" + settings.runs(role));
        }
        final ChisSettings effective = settings;
        return new SpringApplicationBuilder(ChisApplication.class)
                .web(settings.runs(Role.API) ? WebApplicationType.REACTIVE : WebApplicationType.NONE)
                .registerShutdownHook(false)
                .properties(properties.toArray(String[]::new))
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("chisSettings", effective));
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** The stores this process started itself, when no URLs were given. */
    public java.util.Optional<EmbeddedStores> embeddedStores() {
        return java.util.Optional.ofNullable(stores);
    }

    public ChisSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        context.close();
        if (stores != null) stores.close();
    }
}
