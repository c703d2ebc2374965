package io.chis.runtime.auth;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.config.StoresConfiguration;
import io.chis.runtime.signing.SigningSecretRepository;
import io.chis.runtime.support.ApiException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * {@code java -jar chis-runtime.jar account create --email <email> --password-stdin [--first-name ..] [--last-name ..]}:
 * how a platform's operator creates accounts when registration is closed. The password is read from standard input,
 * so it appears in no process list or shell history.
 */
public final class AccountCommand {

    public static final String USAGE = "usage: java -jar chis-runtime.jar account create --email <email>"
            + " --password-stdin [--first-name <name>] [--last-name <name>]";
    private static final List<String> VALUED = List.of("--email", "--first-name", "--last-name");

    private AccountCommand() {}

    /** @return the exit code: 0 created, 1 refused (taken, invalid), 2 wrong usage */
    public static int run(
            List<String> args, ChisSettings settings, InputStream stdin, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        boolean passwordStdin = false;
        if (args.isEmpty() || !args.getFirst().equals("create")) return usage(err);
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--password-stdin")) passwordStdin = true;
            else if (VALUED.contains(arg) && i + 1 < args.size()) options.put(arg, args.get(++i));
            else return usage(err);
        }
        if (!options.containsKey("--email") || !passwordStdin) return usage(err);
        if (settings.databaseUrl() == null) {
            err.println("chis: account create needs DATABASE_URL");
            return 2;
        }
        String password;
        try {
            password = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            err.println("chis: could not read the password from standard input: " + e.getMessage());
            return 2;
        }
        var pool = StoresConfiguration.pool(settings);
        try {
            DatabaseClient db = DatabaseClient.create(pool);
            AccountService accounts = new AccountService(
                    new AccountRepository(db),
                    new SigningSecretRepository(db),
                    TransactionalOperator.create(new R2dbcTransactionManager(pool)));
            Account created = accounts.create(
                            options.get("--email"), password, options.get("--first-name"), options.get("--last-name"))
                    .block(Duration.ofSeconds(30));
            out.println("chis: account " + created.email() + " created with id " + created.id());
            return 0;
        } catch (ApiException e) {
            err.println("chis: account not created: " + e.getMessage());
            return 1;
        } finally {
            pool.dispose();
        }
    }

    private static int usage(PrintStream err) {
        err.println(USAGE);
        return 2;
    }
}
