package io.chis.runtime;

import io.chis.runtime.auth.AccountCommand;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.Migrations;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * Entry point of {@code chis-runtime.jar}: {@code serve} (the default) runs the roles named by {@code CHIS_ROLES},
 * {@code migrate} applies the database migrations and exits, {@code account create} creates an account (for platforms
 * whose registration is closed). The embedded stores of {@code make run} live in the
 * dev jar ({@code dev/target/chis-dev.jar}), never in this one.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
// the role configurations are registered by ChisRuntime for the roles this process runs, never by scanning
@ComponentScan(
        excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.chis\\.runtime\\.roles\\..*"))
public class ChisApplication {

    public static void main(String[] args) throws InterruptedException {
        String command = args.length > 0 ? args[0] : "serve";
        ChisSettings settings;
        try {
            settings = ChisSettings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("chis: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (command) {
            case "serve" -> {
                if (settings.databaseUrl() == null || settings.redisUrl() == null) {
                    System.err.println(ChisRuntime.STORES_REQUIRED);
                    System.exit(2);
                }
                ChisRuntime runtime = ChisRuntime.start(settings);
                Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "chis-shutdown"));
                // Roles without a web server run only on daemon threads: keep the JVM up until it is stopped.
                new CountDownLatch(1).await();
            }
            case "migrate" -> {
                if (settings.databaseUrl() == null) {
                    System.err.println("chis: migrate needs DATABASE_URL");
                    System.exit(2);
                }
                var result = Migrations.apply(DatabaseUrl.parse(settings.databaseUrl()));
                System.out.println("chis: schema at version " + result.targetSchemaVersion + " ("
                        + result.migrationsExecuted + " migrations applied)");
            }
            case "account" ->
                System.exit(AccountCommand.run(
                        List.of(args).subList(1, args.length), settings, System.in, System.out, System.err));
            default -> {
                System.err.println("usage: java -jar chis-runtime.jar [serve|migrate|account create ...]");
                System.exit(2);
            }
        }
    }
}
