package io.chis.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What PostgreSQL did over a phase, from its own counters: statements (pg_stat_statements, when loaded), commits,
 * rows written per table (partitions rolled up to their table), WAL bytes (LSN difference, exact) and WAL records
 * and full-page images (pg_stat_wal). Divided by the deliveries of the phase, it is "PostgreSQL work per webhook".
 */
final class PgWork {

    /** The counters at one instant. */
    record Snapshot(
            long walLsnBytes,
            long walRecords,
            long walFpi,
            long commits,
            long rollbacks,
            Map<String, long[]> tables,
            Map<Long, Query> statements) {}

    /** One normalised statement of pg_stat_statements: its text, calls, rows and total execution time. */
    record Query(String query, long calls, long rows, double totalMs) {}

    /** The difference between two snapshots. */
    record Delta(
            long walBytes,
            long walRecords,
            long walFpi,
            long commits,
            long rollbacks,
            Map<String, long[]> tables,
            List<Query> statements,
            boolean withStatements) {

        long statementCalls() {
            return statements.stream().mapToLong(Query::calls).sum();
        }

        /** inserted, updated (of which HOT), deleted rows summed over the tables */
        long[] rowTotals() {
            long[] t = new long[4];
            for (long[] r : tables.values()) for (int i = 0; i < 4; i++) t[i] += r[i];
            return t;
        }

        long rowsWritten() {
            long[] t = rowTotals();
            return t[0] + t[1] + t[3];
        }
    }

    // statements of the bench itself (these snapshots, the prefill, the ceiling) are left out of the counts
    private static final String OWN = "query not ilike '%pg_stat%' and query not ilike '%pg_current_wal%'"
            + " and query not ilike '%bench_ceiling%' and query not ilike '%pg_wal_lsn_diff%'";

    private final String url;
    final boolean statements;

    private PgWork(String url, boolean statements) {
        this.url = url;
        this.statements = statements;
    }

    /**
     * Whether pg_stat_statements is loaded (it needs {@code shared_preload_libraries} and a restart: {@link
     * #preload}), creating the extension when it is.
     */
    static PgWork connect(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement()) {
            boolean loaded = Ceilings.show(c, "shared_preload_libraries").contains("pg_stat_statements");
            if (loaded) s.execute("create extension if not exists pg_stat_statements");
            return new PgWork(jdbcUrl, loaded);
        }
    }

    /** Asks PostgreSQL to load pg_stat_statements at its next start; true when that needs a restart. */
    static boolean preload(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement()) {
            if (Ceilings.show(c, "shared_preload_libraries").contains("pg_stat_statements")) return false;
            s.execute("alter system set shared_preload_libraries = 'pg_stat_statements'");
            return true;
        }
    }

    Snapshot snapshot() throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            long lsn, records = 0, fpi = 0, commits, rollbacks;
            try (ResultSet rs = s.executeQuery("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
                rs.next();
                lsn = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("select wal_records, wal_fpi from pg_stat_wal")) {
                if (rs.next()) {
                    records = rs.getLong(1);
                    fpi = rs.getLong(2);
                }
            } catch (SQLException olderThan14) {
                // pg_stat_wal arrived in PostgreSQL 14: bytes from the LSN only
            }
            try (ResultSet rs = s.executeQuery(
                    "select xact_commit, xact_rollback from pg_stat_database where datname = current_database()")) {
                rs.next();
                commits = rs.getLong(1);
                rollbacks = rs.getLong(2);
            }
            Map<String, long[]> tables = new TreeMap<>();
            // a partition counts for the table it belongs to
            try (ResultSet rs = s.executeQuery("""
                    select coalesce(parent.relname, t.relname), t.n_tup_ins, t.n_tup_upd, t.n_tup_hot_upd, t.n_tup_del
                    from pg_stat_user_tables t
                    left join pg_inherits i on i.inhrelid = t.relid
                    left join pg_class parent on parent.oid = i.inhparent
                    """)) {
                while (rs.next()) {
                    long[] r = tables.computeIfAbsent(rs.getString(1), k -> new long[4]);
                    for (int i = 0; i < 4; i++) r[i] += rs.getLong(i + 2);
                }
            }
            Map<Long, Query> statementMap = new LinkedHashMap<>();
            if (statements) {
                try (ResultSet rs = s.executeQuery("select queryid, query, calls, rows, total_exec_time "
                        + "from pg_stat_statements where dbid = (select oid from pg_database where datname = "
                        + "current_database()) and " + OWN)) {
                    while (rs.next()) {
                        statementMap.merge(
                                rs.getLong(1),
                                new Query(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5)),
                                (a, b) -> new Query(
                                        a.query(),
                                        a.calls() + b.calls(),
                                        a.rows() + b.rows(),
                                        a.totalMs() + b.totalMs()));
                    }
                }
            }
            return new Snapshot(lsn, records, fpi, commits, rollbacks, tables, statementMap);
        }
    }

    Delta between(Snapshot a, Snapshot b) {
        Map<String, long[]> tables = new TreeMap<>();
        b.tables().forEach((name, after) -> {
            long[] before = a.tables().getOrDefault(name, new long[4]);
            long[] d = new long[4];
            boolean any = false;
            for (int i = 0; i < 4; i++) any |= (d[i] = after[i] - before[i]) != 0;
            if (any) tables.put(name, d);
        });
        List<Query> calls = new ArrayList<>();
        b.statements().forEach((id, after) -> {
            Query before = a.statements().get(id);
            long n = after.calls() - (before == null ? 0 : before.calls());
            if (n <= 0) return;
            calls.add(new Query(
                    after.query(),
                    n,
                    after.rows() - (before == null ? 0 : before.rows()),
                    after.totalMs() - (before == null ? 0 : before.totalMs())));
        });
        calls.sort(Comparator.comparingLong(Query::calls).reversed());
        return new Delta(
                b.walLsnBytes() - a.walLsnBytes(),
                b.walRecords() - a.walRecords(),
                b.walFpi() - a.walFpi(),
                b.commits() - a.commits(),
                b.rollbacks() - a.rollbacks(),
                tables,
                calls,
                statements);
    }

    /** A statement's text on one line, shortened for a table cell. */
    static String oneLine(String query, int max) {
        String q = query.replaceAll("\\s+", " ").trim().replace("|", "\\|");
        return q.length() > max ? q.substring(0, max) + "…" : q;
    }
}
