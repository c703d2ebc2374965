package io.chis.runtime.config;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the schema in {@code db/migration} with Flyway over JDBC; safe to run concurrently (Flyway locks). */
public final class Migrations {

    private Migrations() {}

    public static MigrateResult apply(DatabaseUrl url) {
        return Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
