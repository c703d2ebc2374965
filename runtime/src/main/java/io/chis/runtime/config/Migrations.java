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

    /** One line for the migrate command: what was applied, or that nothing needed to be. */
    public static String describe(MigrateResult result) {
        if (result.migrationsExecuted == 0) {
            return "chis: schema up to date at version " + result.initialSchemaVersion;
        }
        return "chis: schema migrated to version " + result.targetSchemaVersion + " (" + result.migrationsExecuted
                + " migration" + (result.migrationsExecuted == 1 ? "" : "s") + " applied)";
    }
}
