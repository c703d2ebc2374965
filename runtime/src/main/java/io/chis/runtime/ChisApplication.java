package io.chis.runtime;

import io.chis.runtime.auth.AccountCommand;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.DatabaseUrl;
import io.chis.runtime.config.Migrations;
import io.chis.runtime.config.Preflight;
import io.chis.runtime.config.Setting;
import io.chis.runtime.config.StartupFailure;
import java.time.Duration;
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

    /** The commands of this jar, for {@code --help}. */
    public static final String COMMANDS = """
              serve     run the roles named by CHIS_ROLES (the default)
              migrate   apply the database migrations to DATABASE_URL and exit
              account create --email <email> --password-stdin [--first-name ..] [--last-name ..]
                        create an account in DATABASE_URL (for CHIS_REGISTRATION=closed)
              --help    this text
            """;

    public static void main(String[] args) throws InterruptedException {
        String command = args.length > 0 ? args[0] : "serve";
        if (isHelp(command)) {
            System.out.print(Setting.help("chis-runtime.jar", COMMANDS));
            return;
        }
        ChisSettings settings = StartupFailure.orExit(() -> ChisSettings.fromEnv(System.getenv()));
        switch (command) {
            case "serve" -> {
                Duration delay = StartupFailure.orExit(() -> ChisSettings.shutdownDelay(System.getenv()));
                ChisRuntime runtime = StartupFailure.orExit(() -> ChisRuntime.start(settings));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> runtime.shutdown(delay), "chis-shutdown"));
                // Roles without a web server run only on daemon threads: keep the JVM up until it is stopped.
                new CountDownLatch(1).await();
            }
            case "migrate" -> migrate(settings);
            case "account" ->
                System.exit(AccountCommand.run(
                        List.of(args).subList(1, args.length), settings, System.in, System.out, System.err));
            default -> {
                System.err.println(
                        "chis: unknown command '" + command + "'; java -jar chis-runtime.jar --help lists them");
                System.exit(StartupFailure.CONFIGURATION);
            }
        }
    }

    public static boolean isHelp(String command) {
        return command.equals("--help") || command.equals("-h") || command.equals("help");
    }

    /** Applies the migrations and says where the schema stands. */
    public static void migrate(ChisSettings settings) {
        if (settings.databaseUrl() == null) {
            System.err.println("chis: migrate needs DATABASE_URL");
            System.exit(StartupFailure.CONFIGURATION);
        }
        DatabaseUrl url = DatabaseUrl.parse(settings.databaseUrl());
        var result = StartupFailure.orExit(() -> {
            Preflight.checkReachable(url);
            return Migrations.apply(url);
        });
        System.out.println(Migrations.describe(result));
    }
}
