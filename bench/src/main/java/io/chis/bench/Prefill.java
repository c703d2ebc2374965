package io.chis.bench;

import io.chis.stores.EmbeddedStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.ZipFile;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * {@code --prefill N}: a PostgreSQL holding N historical messages, each with its delivery and attempts, built once
 * into a kept data directory and copied for every run. The runtime migrates the schema and starts once first, so
 * whatever its migrations (and start) create exists; then the rows go in by COPY through the real tables (a
 * partitioned table routes each row to its partition). The directory is keyed by N and a hash of the runtime's
 * migrations: a changed schema builds a new one.
 */
final class Prefill {

    /** What a prefilled data directory holds. */
    record Info(long messages, String schema, Path template, double buildSeconds, boolean built, long databaseBytes) {}

    static final int HISTORY_ACCOUNTS = 10;
    private static final int CHUNK = 50_000;
    private static final String FILE = "prefill.properties";

    private Prefill() {}

    /** Builds the template if it is missing, then copies it into {@code dataDir} (which must not exist yet). */
    static Info prepare(Options options, Path runDir, Path dataDir) throws Exception {
        String schema = schemaHash(options.runtimeJar());
        Path template = options.prefillDir().toAbsolutePath().resolve(options.prefill() + "-messages-schema-" + schema);
        boolean built = false;
        if (!Files.isRegularFile(template.resolve(FILE))) {
            build(options, runDir, template, schema);
            built = true;
        } else {
            Bench.log("prefill: reusing %s", template);
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(template.resolve(FILE))) {
            p.load(in);
        }
        long start = System.nanoTime();
        Files.createDirectories(dataDir.getParent());
        Process cp = new ProcessBuilder("cp", "-a", "--reflink=auto", template.toString(), dataDir.toString())
                .inheritIO()
                .start();
        if (cp.waitFor() != 0) throw new IllegalStateException("could not copy " + template + " to " + dataDir);
        Files.deleteIfExists(dataDir.resolve(FILE));
        Bench.log("prefill: copied into the run's data directory in %.1f s", (System.nanoTime() - start) / 1e9);
        return new Info(
                Long.parseLong(p.getProperty("messages")),
                schema,
                template,
                Double.parseDouble(p.getProperty("build_seconds")),
                built,
                Long.parseLong(p.getProperty("database_bytes")));
    }

    /** The runtime's Flyway migrations (names and contents), hashed: the schema the rows were written for. */
    static String schemaHash(Path runtimeJar) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (ZipFile jar = new ZipFile(runtimeJar.toFile())) {
            List<String> names = jar.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.contains("db/migration/") && n.endsWith(".sql"))
                    .sorted()
                    .toList();
            if (names.isEmpty()) throw new IllegalStateException("no db/migration/*.sql in " + runtimeJar);
            for (String name : names) {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
                    sha.update(in.readAllBytes());
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static void build(Options options, Path runDir, Path template, String schema) throws Exception {
        Bench.log("prefill: building %,d messages into %s (once; later runs copy it)", options.prefill(), template);
        long started = System.nanoTime();
        if (Files.exists(template)) deleteTree(template); // a build that did not finish
        Files.createDirectories(template);
        Path logs = Files.createDirectories(runDir.resolve("prefill"));
        // not durable while filling (like pg_restore would be); the checkpoint and clean stop below make it so
        try (EmbeddedStores stores = EmbeddedStores.start(template, 0, 0, false)) {
            try (Processes once = new Processes(options, logs)) {
                once.startRuntime(stores.databaseUrl(), stores.redisUrl(), "prefill-" + UUID.randomUUID());
                once.stopRuntime();
            }
            long bytes;
            try (Connection c = java.sql.DriverManager.getConnection(Ceilings.jdbcUrl(stores.databaseUrl()))) {
                new Writer(c, options, Instant.now()).write();
                try (Statement s = c.createStatement()) {
                    Bench.log("prefill: analyze and checkpoint ...");
                    s.execute("analyze");
                    s.execute("checkpoint");
                    try (ResultSet rs = s.executeQuery("select pg_database_size(current_database())")) {
                        rs.next();
                        bytes = rs.getLong(1);
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Properties p = new Properties();
            p.setProperty("messages", String.valueOf(options.prefill()));
            p.setProperty("schema", schema);
            p.setProperty("build_seconds", String.format(java.util.Locale.ROOT, "%.1f", seconds));
            p.setProperty("database_bytes", String.valueOf(bytes));
            p.setProperty("built", Instant.now().toString());
            stores.close();
            // written last: a template without it is an unfinished build
            try (var out = Files.newBufferedWriter(template.resolve(FILE))) {
                p.store(out, "chis bench prefill");
            }
            Bench.log("prefill: built in %.0f s, database %,d MiB", seconds, bytes >> 20);
        }
    }

    private static void deleteTree(Path dir) throws IOException, InterruptedException {
        Process rm = new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start();
        if (!rm.waitFor(10, TimeUnit.MINUTES) || rm.exitValue() != 0)
            throw new IllegalStateException("could not remove " + dir);
    }

    /**
     * COPYs accounts, messages, deliveries and attempts in chunks. Each table's columns come from the catalog: a
     * column the bench knows gets a value, any other is left to its default or null, and a required column the bench
     * does not know stops the prefill with its name (add it to {@link #messageColumns} and its neighbours).
     */
    static final class Writer {
        private final Connection connection;
        private final CopyManager copy;
        private final Options options;
        private final Instant end;
        private final List<UUID> accounts = new ArrayList<>();
        private final String payloadHex;
        private final String payloadJson;

        /** The message being written and which of its attempts. */
        private UUID messageId, deliveryId, accountId;

        private Instant createdAt;
        private String status;
        private int attempts, attempt;

        Writer(Connection connection, Options options, Instant end) throws SQLException {
            this.connection = connection;
            this.copy = connection.unwrap(PGConnection.class).getCopyAPI();
            this.options = options;
            this.end = end;
            StringBuilder json = new StringBuilder("{\"orderId\":1001,\"pad\":\"");
            for (int i = 0; json.length() < options.payloadBytes() - 2; i++) json.append((char) ('a' + i % 26));
            payloadJson = json.append("\"}").toString();
            payloadHex = "\\\\x" + HexFormat.of().formatHex(payloadJson.getBytes(StandardCharsets.UTF_8));
        }

        void write() throws SQLException, IOException {
            try (Statement s = connection.createStatement()) {
                // the rows are consistent by construction: no foreign-key trigger per row (superuser only)
                s.execute("set session_replication_role = replica");
            } catch (SQLException notSuperuser) {
                // slower, same result
            }
            Map<String, Function<Writer, String>> accountColumns = new LinkedHashMap<>();
            accountColumns.put("id", w -> w.accountId.toString());
            accountColumns.put("email", w -> "history-" + w.accountId + "@example.com");
            accountColumns.put("password_hash", w -> "!prefilled, cannot log in");
            accountColumns.put(
                    "created_at", w -> w.end.minus(Duration.ofDays(30)).toString());
            StringBuilder rows = new StringBuilder();
            List<String> accountCols = columns("accounts", accountColumns);
            for (int a = 0; a < HISTORY_ACCOUNTS; a++) {
                accountId = UUID.randomUUID();
                accounts.add(accountId);
                row(rows, accountCols, accountColumns);
            }
            copy("accounts", accountCols, rows);

            Map<String, Function<Writer, String>> messageCols = messageColumns();
            Map<String, Function<Writer, String>> deliveryCols = deliveryColumns();
            Map<String, Function<Writer, String>> attemptCols = attemptColumns();
            List<String> m = columns("messages", messageCols),
                    d = columns("deliveries", deliveryCols),
                    t = columns("delivery_attempts", attemptCols);
            long n = options.prefill();
            long spanMillis = options.prefillSpan().toMillis();
            Instant start = end.minusMillis(spanMillis);
            long t0 = System.nanoTime(), lastLog = t0;
            StringBuilder messages = new StringBuilder(), deliveries = new StringBuilder(), tries = new StringBuilder();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long i = 0; i < n; i++) {
                messageId = uuid(random);
                deliveryId = uuid(random);
                accountId = accounts.get((int) (i % accounts.size()));
                createdAt = start.plusMillis(spanMillis * i / n);
                // most succeed at once, one in ten after a 500, one in a hundred is dead after six failures
                if (i % 100 == 0) {
                    status = "dead";
                    attempts = 6;
                } else {
                    status = "delivered";
                    attempts = i % 10 == 1 ? 2 : 1;
                }
                row(messages, m, messageCols);
                row(deliveries, d, deliveryCols);
                for (attempt = 1; attempt <= attempts; attempt++) row(tries, t, attemptCols);
                if ((i + 1) % CHUNK == 0 || i == n - 1) {
                    copy("messages", m, messages);
                    copy("deliveries", d, deliveries);
                    copy("delivery_attempts", t, tries);
                    if (System.nanoTime() - lastLog > 10e9 || i == n - 1) {
                        lastLog = System.nanoTime();
                        double s = (lastLog - t0) / 1e9;
                        Bench.log("prefill: %,d of %,d messages (%,.0f/s)", i + 1, n, (i + 1) / s);
                    }
                }
            }
        }

        private Map<String, Function<Writer, String>> messageColumns() {
            Map<String, Function<Writer, String>> c = new LinkedHashMap<>();
            c.put("id", w -> w.messageId.toString());
            c.put("account_id", w -> w.accountId.toString());
            c.put("event_type", w -> "order.created");
            c.put("payload", w -> w.payloadHex);
            c.put("status", w -> w.status);
            c.put("created_at", w -> w.createdAt.toString());
            return c;
        }

        private Map<String, Function<Writer, String>> deliveryColumns() {
            Map<String, Function<Writer, String>> c = new LinkedHashMap<>();
            c.put("id", w -> w.deliveryId.toString());
            c.put("message_id", w -> w.messageId.toString());
            c.put("account_id", w -> w.accountId.toString());
            c.put("url", w -> "https://receiver.example.com/hooks");
            c.put("status", w -> w.status);
            c.put("attempt_count", w -> String.valueOf(w.attempts));
            c.put("retry_base", w -> "0");
            c.put("created_at", w -> w.createdAt.toString());
            c.put(
                    "updated_at",
                    w -> w.createdAt.plusSeconds((1L << (w.attempts - 1)) - 1).toString());
            // partitioned layouts may carry the message's time on its children
            c.put("message_created_at", w -> w.createdAt.toString());
            return c;
        }

        private Map<String, Function<Writer, String>> attemptColumns() {
            Map<String, Function<Writer, String>> c = new LinkedHashMap<>();
            c.put("delivery_id", w -> w.deliveryId.toString());
            c.put("attempt", w -> String.valueOf(w.attempt));
            // the default schedule: retries after 1, 2, 4, 8, 16 s
            c.put(
                    "at",
                    w -> w.createdAt.plusSeconds((1L << (w.attempt - 1)) - 1).toString());
            c.put("status_code", w -> w.status.equals("dead") || w.attempt < w.attempts ? "500" : "204");
            c.put("duration_ms", w -> String.valueOf(20 + w.attempt));
            c.put("message_id", w -> w.messageId.toString());
            c.put("account_id", w -> w.accountId.toString());
            c.put("created_at", w -> w.createdAt.toString());
            return c;
        }

        /** The columns of {@code table} to COPY: those the bench knows, after checking it knows every required one. */
        private List<String> columns(String table, Map<String, Function<Writer, String>> known) throws SQLException {
            List<String> use = new ArrayList<>();
            try (var ps = connection.prepareStatement("""
                    select column_name, is_nullable = 'YES', column_default is not null or is_identity = 'YES',
                           is_generated = 'ALWAYS'
                    from information_schema.columns
                    where table_schema = current_schema() and table_name = ? order by ordinal_position
                    """)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String column = rs.getString(1);
                        if (rs.getBoolean(4)) continue;
                        if (known.containsKey(column)) use.add(column);
                        else if (!rs.getBoolean(2) && !rs.getBoolean(3)) {
                            throw new IllegalStateException("prefill: " + table + "." + column
                                    + " is required and the bench does not know what to put there: add it to"
                                    + " bench/src/main/java/io/chis/bench/Prefill.java");
                        }
                    }
                }
            }
            if (use.isEmpty()) throw new IllegalStateException("prefill: no table " + table + " after migrating");
            return use;
        }

        private void row(StringBuilder out, List<String> columns, Map<String, Function<Writer, String>> values) {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) out.append('\t');
                out.append(values.get(columns.get(i)).apply(this));
            }
            out.append('\n');
        }

        private void copy(String table, List<String> columns, StringBuilder rows) throws SQLException, IOException {
            if (rows.isEmpty()) return;
            copy.copyIn(
                    "copy " + table + " (" + String.join(", ", columns) + ") from stdin",
                    new StringReader(rows.toString()));
            rows.setLength(0);
        }

        private static UUID uuid(ThreadLocalRandom r) {
            return new UUID(
                    (r.nextLong() & 0xffffffffffff0fffL) | 0x4000L,
                    (r.nextLong() & 0x3fffffffffffffffL) | Long.MIN_VALUE);
        }
    }
}
