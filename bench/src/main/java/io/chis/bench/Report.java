package io.chis.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The run's Markdown report, PNG plot, saved figures ({@code .properties}) and summary line. */
final class Report {

    private final Options options;
    private final Bench.Machine machine;
    private final Path runDir;
    private final String date = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    private final String loadBefore;
    String loadAfter = "";
    String sinkDescription = "";
    String postgresSettings = "";
    Ceilings.PostgresCeiling postgresCeiling;
    final Map<String, Ceilings.SinkCeiling> sinkCeilings = new LinkedHashMap<>();
    final List<PhaseResult> phases = new ArrayList<>();
    final Map<String, Double> peakRssMib = new LinkedHashMap<>();
    final Map<String, String> rssSplit = new LinkedHashMap<>();
    long unannounced;
    long sinkWithoutId;
    ProcSampler sampler;
    Prefill.Info prefill;
    long storedAtStart;
    boolean pgStatements;
    Noisy noisy;

    /** The noisy-neighbour pair: the quiet tenants alone, then beside a tenant whose receiver never answers. */
    record Noisy(
            PhaseResult alone,
            PhaseResult beside,
            String stallHost,
            int rate,
            long stalledAccepted,
            long stalledRequests) {}

    Report(Options options, Bench.Machine machine, Path runDir) {
        this.options = options;
        this.machine = machine;
        this.runDir = runDir;
        this.loadBefore = machine.loadAverage();
    }

    Path markdownPath() {
        return options.resultsDir().resolve(options.name() + ".md");
    }

    Path pngPath() {
        return options.resultsDir().resolve(options.name() + ".png");
    }

    void write() throws IOException {
        Files.createDirectories(options.resultsDir());
        Properties figures = figures();
        Properties baseline =
                options.baseline() ? null : load(options.resultsDir().resolve("baseline.properties"));
        // a baseline of the other mode (all roles in one process, or split) is no comparison
        if (baseline != null && !baseline.getProperty("mode", "").equals(options.split() ? "split" : "all"))
            baseline = null;
        Files.writeString(markdownPath(), markdown(baseline));
        plot(pngPath());
        java.io.StringWriter text = new java.io.StringWriter();
        figures.store(text, "chis bench figures: " + options.name());
        // sorted, so that successive runs diff well
        List<String> lines = new ArrayList<>(text.toString().lines().toList());
        List<String> comments = lines.stream().filter(l -> l.startsWith("#")).toList();
        List<String> entries =
                lines.stream().filter(l -> !l.startsWith("#")).sorted().toList();
        Files.write(
                options.resultsDir().resolve(options.name() + ".properties"),
                java.util.stream.Stream.concat(comments.stream(), entries.stream())
                        .toList());
        for (String ext : List.of(".md", ".png", ".properties")) {
            Files.copy(
                    options.resultsDir().resolve(options.name() + ext),
                    runDir.resolve("report" + ext),
                    StandardCopyOption.REPLACE_EXISTING);
            if (options.baseline() && !options.name().equals("baseline")) {
                Files.copy(
                        options.resultsDir().resolve(options.name() + ext),
                        options.resultsDir().resolve("baseline" + ext),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    String summaryLine() {
        StringBuilder line = new StringBuilder("chis bench [" + (options.split() ? "split" : "all") + "]:");
        for (PhaseResult p : phases) {
            line.append(String.format(
                    Locale.ROOT,
                    " %s: %,.0f accepted/s, %,.0f delivered/s, p99 %.1f ms, %d missing, %d duplicates;",
                    p.key,
                    p.acceptedPerSecond,
                    p.deliveredPerSecond,
                    p.latencyMs(99),
                    p.missing,
                    p.duplicates));
        }
        for (PhaseResult p : phases) {
            if (p.outage != null) {
                line.append(String.format(
                        Locale.ROOT,
                        " drain %,.0f delivered/s after the outage (accepting %,.0f/s while down);",
                        p.outage.drainPerSecond(),
                        p.outage.acceptedPerSecond()));
            }
        }
        if (noisy != null) {
            line.append(String.format(
                    Locale.ROOT,
                    " quiet tenants beside a stalled one: %.0f%% of their rate alone;",
                    100 * noisy.beside().deliveredPerSecond / noisy.alone().deliveredPerSecond));
        }
        if (prefill != null) line.append(String.format(Locale.ROOT, " %,d messages stored at start;", storedAtStart));
        line.append(String.format(Locale.ROOT, " runtime RSS peak %.0f MiB", peakRss()));
        if (peakRssMib.size() > 1) {
            line.append(String.format(
                    Locale.ROOT,
                    " (%d processes, the largest %.0f MiB)",
                    peakRssMib.size(),
                    peakRssMib.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElse(0)));
        }
        PhaseResult best = best();
        if (best != null && postgresCeiling != null) {
            line.append(String.format(
                    Locale.ROOT,
                    "; %.1f%% of the PostgreSQL INSERT ceiling (%,.0f/s)",
                    100 * best.deliveredPerSecond / postgresCeiling.insertsPerSecond(),
                    postgresCeiling.insertsPerSecond()));
        }
        Ceilings.SinkCeiling sink = sinkCeilings.get(options.sink());
        if (best != null && sink != null) {
            line.append(String.format(
                    Locale.ROOT,
                    ", %.1f%% of the sink ceiling (%,.0f/s)",
                    100 * best.deliveredPerSecond / sink.requestsPerSecond(),
                    sink.requestsPerSecond()));
        }
        return line.toString();
    }

    private PhaseResult best() {
        return phases.stream()
                .max(java.util.Comparator.comparingDouble(p -> p.deliveredPerSecond))
                .orElse(null);
    }

    private double peakRss() {
        return peakRssMib.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private String markdown(Properties baseline) {
        StringBuilder md = new StringBuilder();
        md.append("# Chis benchmark: ").append(options.name()).append("\n\n");
        if (options.label() != null) md.append("**").append(options.label()).append("**. ");
        md.append(date)
                .append(", commit `")
                .append(git("rev-parse", "--short", "HEAD"))
                .append("`, runtime `")
                .append(options.runtimeJar())
                .append('`');
        String dirty = git("status", "--porcelain", "--", "runtime", "proto");
        if (!dirty.isBlank()) md.append(" (with uncommitted runtime changes)");
        md.append(". Command: `make bench ARGS=\"")
                .append(String.join(" ", argsEcho()))
                .append("\"`.\n\n");

        md.append("## Machine\n\n| | |\n|---|---|\n");
        md.append("| cores (`nproc`) | ").append(machine.cores()).append(" |\n");
        md.append("| CPU (`/proc/cpuinfo`) | ").append(machine.cpuModel()).append(" |\n");
        md.append(String.format(Locale.ROOT, "| RAM | %.1f GiB |%n", machine.memoryMib() / 1024.0));
        md.append("| OS | ").append(machine.kernel()).append(" |\n");
        md.append("| JVM | ").append(machine.java()).append(" |\n");
        md.append("| load average before / after | ")
                .append(loadBefore)
                .append(" / ")
                .append(loadAfter)
                .append(" |\n\n");
        md.append(
                "Everything runs on this one machine: PostgreSQL, Redis, the runtime, the sink and the load generator.\n\n");

        md.append("## Results\n\n| | ")
                .append(String.join(" | ", phases.stream().map(p -> p.mode).toList()))
                .append(" |\n|---|");
        md.append("---|".repeat(phases.size())).append('\n');
        row(
                md,
                "sends (over the load window)",
                p -> String.format(Locale.ROOT, "%,d in %.1f s", p.sent, p.loadSeconds));
        row(md, "**accepted/s at the API** (202)", p -> String.format(Locale.ROOT, "**%,.0f**", p.acceptedPerSecond));
        row(
                md,
                "**delivered/s** (first arrivals at the sink during the load window)",
                p -> String.format(Locale.ROOT, "**%,.0f**", p.deliveredPerSecond));
        row(
                md,
                "all accepted delivered after (from the first send)",
                p -> String.format(
                        Locale.ROOT, "%.1f s (%,.0f/s overall)", p.allDeliveredSeconds, p.deliveredOverall()));
        row(
                md,
                "submit→delivered p50 / p95 / p99",
                p -> String.format(
                        Locale.ROOT,
                        "%s / %s / **%s** ms",
                        ms(p.latencyMs(50)),
                        ms(p.latencyMs(95)),
                        ms(p.latencyMs(99))));
        row(md, "submit→delivered max", p -> ms(p.latencyMs(100)) + " ms");
        row(
                md,
                "API latency p50 / p99 (`POST /webhook/send`)",
                p -> String.format(Locale.ROOT, "%s / %s ms", ms(p.apiMs(50)), ms(p.apiMs(99))));
        row(
                md,
                "not accepted",
                p -> p.refused.isEmpty() && p.generatorSkipped == 0
                        ? "0"
                        : (p.refused.toString()
                                + (p.generatorSkipped > 0
                                        ? " + " + p.generatorSkipped + " skipped by the generator"
                                        : "")));
        row(
                md,
                "**completeness**: accepted → reached the sink",
                p -> String.format(
                        Locale.ROOT,
                        "%,d → %,d, **%,d missing** (not delivered by the end of the drain)",
                        p.accepted,
                        p.delivered,
                        p.missing));
        row(md, "duplicates (extra arrivals of an id / ids concerned)", p -> p.duplicates + " / " + p.duplicateIds);
        row(md, "runtime CPU (100% = one core)", p -> pct(p.runtimeCpuPercent));
        row(md, "PostgreSQL / Redis CPU", p -> pct(p.postgresCpuPercent) + " / " + pct(p.redisCpuPercent));
        row(md, "bench JVM CPU (generator + sink)", p -> pct(p.benchCpuPercent));
        row(
                md,
                "CPU per webhook: runtime / PostgreSQL (µs; CPU time ÷ (accepted + delivered) / 2)",
                p -> String.format(
                        Locale.ROOT,
                        "%.0f / %.0f",
                        p.cpuMicrosPerWebhook(p.runtimeCpuPercent),
                        p.cpuMicrosPerWebhook(p.postgresCpuPercent)));
        row(md, "runtime RSS, highest sample", p -> String.format(Locale.ROOT, "%.0f MiB", p.runtimeMaxRssMib));
        if (postgresCeiling != null) {
            row(
                    md,
                    "delivered/s ÷ PostgreSQL INSERT ceiling",
                    p -> String.format(
                            Locale.ROOT, "%.1f%%", 100 * p.deliveredPerSecond / postgresCeiling.insertsPerSecond()));
        }
        Ceilings.SinkCeiling sinkCeiling = sinkCeilings.get(options.sink());
        if (sinkCeiling != null) {
            row(
                    md,
                    "delivered/s ÷ sink request ceiling",
                    p -> String.format(
                            Locale.ROOT, "%.1f%%", 100 * p.deliveredPerSecond / sinkCeiling.requestsPerSecond()));
        }
        md.append('\n');
        md.append(String.format(
                Locale.ROOT,
                "Runtime peak RSS (VmHWM): %s; at the end, of which anonymous (heap, "
                        + "metaspace, code, stacks, direct buffers) / file-backed (the mapped jar and libraries): %s.%n%n",
                peakRssMib.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.0f MiB", e.getKey(), e.getValue()))
                        .toList(),
                rssSplit.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .toList()));
        md.append(
                        "Completeness: every id that `POST /webhook/send` returned with 202 is looked up in the sink's record of ")
                .append("`webhook-id` headers (the message id, README \"What the receiver gets\"). ");
        long duplicates = phases.stream().mapToLong(p -> p.duplicates).sum();
        md.append(
                duplicates == 0
                        ? "No id arrived twice. "
                        : "Duplicates are ids that arrived more than once: delivery is at least once, and a redelivery happens when a "
                                + "worker's acknowledgement is lost or its claim expires (README \"Nothing lost, nothing stuck\"). ");
        md.append(String.format(
                Locale.ROOT,
                "Ids that reached the sink without any send having been told about them "
                        + "(a send whose answer was lost but whose message was committed): %d. Requests without a `webhook-id`: %d.%n%n",
                unannounced,
                sinkWithoutId));

        pgWork(md);
        extraPhases(md);
        if (baseline != null) beforeAfter(md, baseline);

        md.append("## Ceilings, measured in the same run\n\n");
        if (postgresCeiling != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "- **PostgreSQL**: %,.0f single-row INSERTs/s (%,d in %.1f s) from %d connections, "
                            + "each a loop of one autocommitted `INSERT` of a uuid and a %d-byte bytea (what pgbench measures with a "
                            + "one-statement script); `synchronous_commit=%s`, `fsync=%s`, `wal_sync_method=%s`.%n",
                    postgresCeiling.insertsPerSecond(),
                    postgresCeiling.inserts(),
                    postgresCeiling.seconds(),
                    Ceilings.POSTGRES_CONNECTIONS,
                    options.payloadBytes(),
                    postgresCeiling.synchronousCommit(),
                    postgresCeiling.fsync(),
                    postgresCeiling.walSyncMethod()));
        }
        for (var e : sinkCeilings.entrySet()) {
            md.append(String.format(
                    Locale.ROOT,
                    "- **sink (%s)**: %,.0f requests/s (%,d in %.1f s): a tight loop of POSTs of the "
                            + "webhook's size and headers on %d keep-alive connections from Reactor Netty's client%s.%n",
                    e.getKey(),
                    e.getValue().requestsPerSecond(),
                    e.getValue().requests(),
                    e.getValue().seconds(),
                    Ceilings.SINK_CONNECTIONS,
                    e.getKey().equals(options.sink()) ? " (the sink used for this run)" : ""));
        }
        if (postgresCeiling == null && sinkCeilings.isEmpty()) md.append("Skipped (`--no-ceiling`).\n");
        md.append('\n');

        md.append("## Setup\n\n");
        md.append("- **runtime**: `runtime/target/chis-runtime.jar`, ")
                .append(
                        options.split()
                                ? "one process per role (`CHIS_ROLES=delivery`, `worker`, `scheduler`, `api`; `migrate` first)"
                                : "all four roles in one process (`CHIS_ROLES=all`)")
                .append(", JVM options `")
                .append(String.join(" ", options.jvmOptions()))
                .append('`');
        if (!options.env().isEmpty()) md.append(", environment ").append(options.env());
        md.append(". Throttles: none set by the bench beyond this environment; a runtime with per-account, login or ")
                .append("per-host throttles must run with them off or above the bench's load (`--env`). ")
                .append(
                        "`CHIS_WORKER_CONCURRENCY` also sizes the connection pool per receiving host, and the sink is one host.\n");
        md.append(
                        "- **stores**: the runtime's embedded PostgreSQL (io.zonky) and Redis (embedded-redis, append-only file with ")
                .append("`appendfsync everysec`), ")
                .append(
                        prefill == null
                                ? "fresh data directories"
                                : String.format(
                                        Locale.ROOT,
                                        "PostgreSQL prefilled with %,d historical messages (one delivery each; 1 in 10 with a failed attempt "
                                                + "first, 1 in 100 dead after 6), written by COPY through the migrated tables into `%s` "
                                                + "(%s, %,d MiB; schema hash `%s`), copied for this run: %,d messages stored when the load began",
                                        prefill.messages(),
                                        prefill.template(),
                                        prefill.built()
                                                ? String.format(
                                                        Locale.ROOT,
                                                        "built in this run in %.0f s",
                                                        prefill.buildSeconds())
                                                : "built by an earlier run",
                                        prefill.databaseBytes() >> 20,
                                        prefill.schema(),
                                        storedAtStart))
                .append(", started by the bench. ")
                .append(postgresSettings)
                .append(
                        options.durable()
                                ? ": durable, as in production (zonky's default for tests and `make run` is fsync and synchronous_commit off), so a 202 means the message's commit is flushed to disk.\n"
                                : ": **not durable** (`--no-fsync`, zonky's default for tests and `make run`): only to show what durability costs.\n");
        md.append("- **sink**: ")
                .append(sinkDescription)
                .append(", on loopback, recording the first arrival time and the ")
                .append("count of each `webhook-id`.\n");
        md.append(String.format(
                Locale.ROOT,
                "- **load**: an account registered, logged in and given an API key over the REST API; "
                        + "then `POST /webhook/send` with `X-API-Key`, a `url` to the sink and a ~%d-byte JSON payload, from Reactor "
                        + "Netty's client (up to 512 keep-alive connections). Open-loop phases send on a fixed schedule and count "
                        + "latency from each send's *intended* time (no coordinated omission); the closed loop keeps %d sends in "
                        + "flight. Warm-up: %d s at max throughput, not counted. Each phase lasts %d s, then up to %d s of drain.%n",
                options.payloadBytes(),
                options.concurrency(),
                options.warmup().toSeconds(),
                options.duration().toSeconds(),
                options.drain().toSeconds()));
        md.append("- **latency**: submit→delivered = first arrival of the id at the sink − the send's intended time, ")
                .append("both `System.nanoTime()` in the same JVM; HdrHistogram, 3 significant digits.\n");
        md.append(
                        "- **resources**: `/proc/<pid>/stat` (utime+stime) and `/proc/<pid>/status` (VmRSS, VmHWM) sampled every ")
                .append("second; CPU over each phase's load window, as a percentage of one core (this machine has ")
                .append(machine.cores())
                .append(" cores, so ")
                .append(machine.cores() * 100)
                .append("% is all of it).\n\n");

        md.append("## Over time\n\n![throughput and latency over time](")
                .append(pngPath().getFileName())
                .append(")\n\n");
        for (PhaseResult p : phases) {
            md.append("<details><summary>").append(p.mode).append(", per second</summary>\n\n");
            md.append("| s | accepted | delivered | p50 ms | p99 ms | API p99 ms |\n|---|---|---|---|---|---|\n");
            for (PhaseResult.Second s : p.seconds) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %d | %,d | %,d | %s | %s | %s |%n",
                        s.second(),
                        s.accepted(),
                        s.delivered(),
                        ms(s.p50Ms()),
                        ms(s.p99Ms()),
                        ms(s.apiP99Ms())));
            }
            md.append("\n</details>\n\n");
        }
        md.append("Logs, JFR recordings (with `--jfr`) and this report's copy: `")
                .append(runDir)
                .append("`.\n");
        return md.toString();
    }

    /** One line of PostgreSQL work per delivered webhook, for the console. */
    static String pgWorkLine(PhaseResult p) {
        PgWork.Delta d = p.pgWork;
        if (d == null || p.delivered == 0) return "–";
        double n = p.delivered;
        return String.format(
                Locale.ROOT,
                "%s statements, %.2f commits, %.2f rows written, %,.0f WAL bytes, %.0f µs CPU",
                d.withStatements() ? String.format(Locale.ROOT, "%.2f", d.statementCalls() / n) : "–",
                d.commits() / n,
                d.rowsWritten() / n,
                d.walBytes() / n,
                p.cpuMicrosPerWebhook(p.postgresCpuPercent));
    }

    private void pgWork(StringBuilder md) {
        if (phases.stream().allMatch(p -> p.pgWork == null)) return;
        md.append("## PostgreSQL work per webhook\n\n");
        md.append(
                        "From PostgreSQL's own counters between the start of each phase and the end of its drain, divided by ")
                .append(
                        "the deliveries that reached the sink in the phase (a fan-out message counts once per endpoint). ")
                .append(
                        pgStatements
                                ? "Statements from `pg_stat_statements` (loaded with `shared_preload_libraries`; top-level statements), "
                                : "Statements: not counted (`--no-pg-statements`, or pg_stat_statements could not be loaded); ")
                .append(
                        "commits from `pg_stat_database`, rows from `pg_stat_user_tables` (partitions counted for their ")
                .append(
                        "table; both come through the statistics collector, which may lag by a transaction or two), WAL ")
                .append(
                        "bytes from `pg_current_wal_lsn()` (exact), WAL records and full-page images from `pg_stat_wal`; the ")
                .append("bench's own queries are left out. CPU as in the results above.\n\n");
        md.append("| per delivered webhook |");
        for (PhaseResult p : phases) md.append(' ').append(p.mode).append(" |");
        md.append("\n|---|").append("---|".repeat(phases.size())).append('\n');
        row(md, "deliveries counted", p -> String.format(Locale.ROOT, "%,d", p.delivered));
        row(md, "**statements**", p -> per(p, d -> d.withStatements() ? d.statementCalls() : Double.NaN, "**%.2f**"));
        row(
                md,
                "transactions committed / rolled back",
                p -> per(p, PgWork.Delta::commits, "%.2f") + " / " + per(p, PgWork.Delta::rollbacks, "%.3f"));
        row(md, "**rows written** (inserted + updated + deleted)", p -> per(p, PgWork.Delta::rowsWritten, "**%.2f**"));
        row(
                md,
                "… inserted / updated (of which HOT) / deleted",
                p -> per(p, d -> d.rowTotals()[0], "%.2f")
                        + " / " + per(p, d -> d.rowTotals()[1], "%.2f")
                        + " (" + per(p, d -> d.rowTotals()[2], "%.2f") + ") / "
                        + per(p, d -> d.rowTotals()[3], "%.2f"));
        row(md, "**WAL bytes**", p -> per(p, PgWork.Delta::walBytes, "**%,.0f**"));
        row(
                md,
                "WAL records / full-page images",
                p -> per(p, PgWork.Delta::walRecords, "%.1f") + " / " + per(p, PgWork.Delta::walFpi, "%.2f"));
        row(
                md,
                "**PostgreSQL CPU µs**",
                p -> String.format(Locale.ROOT, "**%.0f**", p.cpuMicrosPerWebhook(p.postgresCpuPercent)));
        md.append('\n');
        java.util.Set<String> tables = new java.util.TreeSet<>();
        for (PhaseResult p : phases)
            if (p.pgWork != null) tables.addAll(p.pgWork.tables().keySet());
        if (!tables.isEmpty()) {
            md.append("Rows written per delivered webhook, by table (inserted / updated / deleted):\n\n| table |");
            for (PhaseResult p : phases) md.append(' ').append(p.key).append(" |");
            md.append("\n|---|").append("---|".repeat(phases.size())).append('\n');
            for (String table : tables) {
                row(md, "`" + table + "`", p -> {
                    long[] r = p.pgWork == null ? null : p.pgWork.tables().get(table);
                    if (r == null || p.delivered == 0) return "–";
                    double n = p.delivered;
                    return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", r[0] / n, r[1] / n, r[3] / n);
                });
            }
            md.append('\n');
        }
        for (PhaseResult p : phases) {
            if (p.pgWork == null || !p.pgWork.withStatements() || p.delivered == 0) continue;
            md.append("<details><summary>statements of ")
                    .append(p.mode)
                    .append(", per delivered webhook</summary>\n\n");
            md.append("| calls per webhook | rows per call | mean ms | statement |\n|---|---|---|---|\n");
            int shown = 0;
            for (PgWork.Query q : p.pgWork.statements()) {
                if (shown++ == 25) break;
                md.append(String.format(
                        Locale.ROOT,
                        "| %.3f | %.1f | %.3f | `%s` |%n",
                        q.calls() / (double) p.delivered,
                        q.rows() / (double) q.calls(),
                        q.totalMs() / q.calls(),
                        PgWork.oneLine(q.query(), 300)));
            }
            md.append("\n</details>\n\n");
        }
    }

    private interface Figure {
        double of(PgWork.Delta d);
    }

    private static String per(PhaseResult p, Figure figure, String format) {
        if (p.pgWork == null || p.delivered == 0) return "–";
        double v = figure.of(p.pgWork);
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v / p.delivered);
    }

    private void extraPhases(StringBuilder md) {
        schemaBeside(md);
        for (PhaseResult p : phases) {
            if (p.outage == null) continue;
            PhaseResult.Outage o = p.outage;
            PhaseResult normal =
                    phases.stream().filter(x -> x.key.equals("max")).findFirst().orElse(null);
            md.append("## Drain after an outage\n\n");
            md.append(String.format(
                    Locale.ROOT,
                    "The receivers answered 503 for %.1f s while %,d messages were sent by event type to one endpoint "
                            + "at max throughput; its policy `%s` retries up to 100 times, 1 s then doubling to at most 10 s "
                            + "(±10%%), so nothing is dead-lettered during the outage and every message is due again within "
                            + "10 s of the return (the built-in schedule would give up after 31 s).%n%n",
                    o.downSeconds(),
                    p.sent,
                    Bench.OUTAGE_POLICY));
            md.append("| | |\n|---|---|\n");
            md.append(String.format(
                    Locale.ROOT,
                    "| **accepted/s while the receivers were down** | **%,.0f** (normal, the max phase of this run: %s) |%n",
                    o.acceptedPerSecond(),
                    normal == null
                            ? "not run; add `--max`"
                            : String.format(Locale.ROOT, "%,.0f", normal.acceptedPerSecond)));
            md.append(String.format(Locale.ROOT, "| attempts refused (503) meanwhile | %,d |%n", o.refusedWhileDown()));
            md.append(String.format(Locale.ROOT, "| backlog when they came back | %,d deliveries |%n", o.backlog()));
            md.append(String.format(
                    Locale.ROOT,
                    "| **drain rate** (delivered ÷ time from the return to the last arrival) | **%,.0f/s** (%,d in %.1f s) |%n",
                    o.drainPerSecond(),
                    p.delivered,
                    o.drainSeconds()));
            md.append(String.format(
                    Locale.ROOT, "| missing / duplicates after the drain | %,d / %,d |%n%n", p.missing, p.duplicates));
        }
        if (noisy != null) {
            md.append("## Noisy neighbour\n\n");
            md.append(String.format(
                    Locale.ROOT,
                    "%d quiet tenants (accounts of their own) sent by URL at max throughput (%d in flight shared among them) "
                            + "alone, then again while another tenant sent %d/s to a receiver on `%s` that reads each request and "
                            + "never answers (each attempt holds a worker slot until `CHIS_DELIVERY_TIMEOUT`). The stalled tenant's "
                            + "sends accepted: %,d; its attempts that reached the receiver: %,d.%n%n",
                    noisy.alone().deliveredInWindowByTenant.size(),
                    options.concurrency(),
                    noisy.rate(),
                    noisy.stallHost(),
                    noisy.stalledAccepted(),
                    noisy.stalledRequests()));
            md.append("| tenant | delivered/s alone | beside the stalled tenant | ratio |\n|---|---|---|---|\n");
            java.util.Set<String> names = new java.util.TreeSet<>(
                    noisy.alone().deliveredInWindowByTenant.keySet());
            names.addAll(noisy.beside().deliveredInWindowByTenant.keySet());
            for (String name : names) {
                double a = noisy.alone().deliveredInWindowByTenant.getOrDefault(name, 0L) / noisy.alone().loadSeconds;
                double b = noisy.beside().deliveredInWindowByTenant.getOrDefault(name, 0L) / noisy.beside().loadSeconds;
                md.append(String.format(
                        Locale.ROOT, "| %s | %,.0f | %,.0f | %.0f%% |%n", name, a, b, a == 0 ? 0 : 100 * b / a));
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| **all quiet tenants** | **%,.0f** | **%,.0f** | **%.0f%%** |%n%n",
                    noisy.alone().deliveredPerSecond,
                    noisy.beside().deliveredPerSecond,
                    100 * noisy.beside().deliveredPerSecond / noisy.alone().deliveredPerSecond));
        }
    }

    /** The schema'd phase beside the plain max phase of the same run: what validating every payload costs. */
    private void schemaBeside(StringBuilder md) {
        PhaseResult plain = phase("max"), schemad = phase(Bench.SCHEMA);
        if (plain == null || schemad == null) return;
        md.append("## Sends with a schema'd event type\n\n");
        md.append(String.format(
                Locale.ROOT,
                "The same URL sends at max throughput, but under an event type declared with a JSON Schema (`%s`: an "
                        + "order with required fields, a nested customer, line items, enums, `email` and `date-time` "
                        + "formats, bounds, a pattern, no other properties): the API validates each payload before "
                        + "storing it. Payloads of about %,d bytes, an order at least its ~300 bytes.%n%n",
                LoadGenerator.ORDER_TYPE,
                options.payloadBytes()));
        md.append("| | plain (max) | schema'd | ratio |\n|---|---|---|---|\n");
        beside(md, "**accepted/s**", plain.acceptedPerSecond, schemad.acceptedPerSecond, "%,.0f");
        beside(md, "**delivered/s**", plain.deliveredPerSecond, schemad.deliveredPerSecond, "%,.0f");
        beside(md, "API answer p50 (ms)", plain.apiMs(50), schemad.apiMs(50), "%.2f");
        beside(md, "API answer p99 (ms)", plain.apiMs(99), schemad.apiMs(99), "%.2f");
        beside(md, "submit→delivered p99 (ms)", plain.latencyMs(99), schemad.latencyMs(99), "%.1f");
        beside(
                md,
                "runtime CPU µs per webhook",
                plain.cpuMicrosPerWebhook(plain.runtimeCpuPercent),
                schemad.cpuMicrosPerWebhook(schemad.runtimeCpuPercent),
                "%.0f");
        beside(
                md,
                "PostgreSQL CPU µs per webhook",
                plain.cpuMicrosPerWebhook(plain.postgresCpuPercent),
                schemad.cpuMicrosPerWebhook(schemad.postgresCpuPercent),
                "%.0f");
        md.append(String.format(
                Locale.ROOT,
                "| refused (not 202) | %,d | %,d | |%n%n",
                plain.sent - plain.accepted,
                schemad.sent - schemad.accepted));
    }

    private static void beside(StringBuilder md, String figure, double plain, double schemad, String format) {
        md.append("| ")
                .append(figure)
                .append(" | ")
                .append(String.format(Locale.ROOT, format, plain))
                .append(" | ")
                .append(String.format(Locale.ROOT, format, schemad))
                .append(" | ")
                .append(plain > 0 ? String.format(Locale.ROOT, "%.2f", schemad / plain) : "–")
                .append(" |\n");
    }

    private PhaseResult phase(String key) {
        return phases.stream().filter(p -> p.key.equals(key)).findFirst().orElse(null);
    }

    private void beforeAfter(StringBuilder md, Properties baseline) {
        md.append("## Before / after\n\nThe baseline run (`bench/results/baseline.md`): ")
                .append(baseline.getProperty("label", "?"))
                .append("; ")
                .append(baseline.getProperty("date", "?"))
                .append(", runtime `")
                .append(baseline.getProperty("runtime_jar", "?"))
                .append("`, load average before ")
                .append(baseline.getProperty("load_before", "?"))
                .append(".\n\n");
        md.append("| phase | figure | baseline | this run |\n|---|---|---|---|\n");
        Properties now = figures();
        for (PhaseResult p : phases) {
            for (String[] f : FIGURES) {
                String key = p.key + "." + f[0];
                if (baseline.getProperty(key) == null) continue;
                md.append("| ")
                        .append(p.key)
                        .append(" | ")
                        .append(f[1])
                        .append(" | ")
                        .append(baseline.getProperty(key))
                        .append(" | ")
                        .append(now.getProperty(key))
                        .append(" |\n");
            }
        }
        md.append('\n');
    }

    private static final String[][] FIGURES = {
        {"accepted_per_s", "accepted/s"},
        {"delivered_per_s", "delivered/s"},
        {"p50_ms", "submit→delivered p50 ms"},
        {"p99_ms", "submit→delivered p99 ms"},
        {"max_ms", "submit→delivered max ms"},
        {"api_p99_ms", "API p99 ms"},
        {"missing", "missing"},
        {"duplicates", "duplicates"},
        {"runtime_cpu_pct", "runtime CPU %"},
        {"runtime_rss_mib", "runtime RSS MiB"},
        {"runtime_cpu_us_per_webhook", "runtime CPU µs per webhook"},
        {"postgres_cpu_us_per_webhook", "PostgreSQL CPU µs per webhook"},
        {"pg_statements_per_webhook", "PostgreSQL statements per webhook"},
        {"pg_commits_per_webhook", "PostgreSQL commits per webhook"},
        {"pg_rows_written_per_webhook", "PostgreSQL rows written per webhook"},
        {"pg_wal_bytes_per_webhook", "WAL bytes per webhook"},
        {"drain_per_s", "drain delivered/s after the outage"},
        {"accepted_while_down_per_s", "accepted/s while receivers down"},
    };

    private Properties figures() {
        Properties f = new Properties();
        f.setProperty("label", options.label() == null ? options.name() : options.label());
        f.setProperty("date", date);
        f.setProperty("commit", git("rev-parse", "--short", "HEAD"));
        f.setProperty("mode", options.split() ? "split" : "all");
        f.setProperty("machine", machine.describe());
        f.setProperty("load_before", loadBefore);
        f.setProperty("runtime_jar", options.runtimeJar().toString());
        if (postgresCeiling != null) f.setProperty("postgres_inserts_per_s", fmt(postgresCeiling.insertsPerSecond()));
        sinkCeilings.forEach((k, v) -> f.setProperty("sink_" + k + "_requests_per_s", fmt(v.requestsPerSecond())));
        for (PhaseResult p : phases) {
            f.setProperty(p.key + ".accepted_per_s", fmt(p.acceptedPerSecond));
            f.setProperty(p.key + ".delivered_per_s", fmt(p.deliveredPerSecond));
            f.setProperty(p.key + ".p50_ms", ms(p.latencyMs(50)));
            f.setProperty(p.key + ".p95_ms", ms(p.latencyMs(95)));
            f.setProperty(p.key + ".p99_ms", ms(p.latencyMs(99)));
            f.setProperty(p.key + ".max_ms", ms(p.latencyMs(100)));
            f.setProperty(p.key + ".api_p50_ms", ms(p.apiMs(50)));
            f.setProperty(p.key + ".api_p99_ms", ms(p.apiMs(99)));
            f.setProperty(p.key + ".missing", String.valueOf(p.missing));
            f.setProperty(p.key + ".duplicates", String.valueOf(p.duplicates));
            f.setProperty(p.key + ".runtime_cpu_pct", fmt(p.runtimeCpuPercent));
            f.setProperty(p.key + ".runtime_rss_mib", fmt(p.runtimeMaxRssMib));
            f.setProperty(p.key + ".runtime_cpu_us_per_webhook", fmt(p.cpuMicrosPerWebhook(p.runtimeCpuPercent)));
            f.setProperty(p.key + ".postgres_cpu_us_per_webhook", fmt(p.cpuMicrosPerWebhook(p.postgresCpuPercent)));
            if (p.pgWork != null && p.delivered > 0) {
                double n = p.delivered;
                if (p.pgWork.withStatements())
                    f.setProperty(p.key + ".pg_statements_per_webhook", two(p.pgWork.statementCalls() / n));
                f.setProperty(p.key + ".pg_commits_per_webhook", two(p.pgWork.commits() / n));
                f.setProperty(p.key + ".pg_rows_written_per_webhook", two(p.pgWork.rowsWritten() / n));
                f.setProperty(p.key + ".pg_wal_bytes_per_webhook", fmt(p.pgWork.walBytes() / n));
            }
            if (p.outage != null) {
                f.setProperty(p.key + ".drain_per_s", fmt(p.outage.drainPerSecond()));
                f.setProperty(p.key + ".accepted_while_down_per_s", fmt(p.outage.acceptedPerSecond()));
            }
        }
        if (prefill != null) f.setProperty("stored_messages_at_start", String.valueOf(storedAtStart));
        if (noisy != null)
            f.setProperty(
                    "noisy.quiet_ratio_pct",
                    fmt(100 * noisy.beside().deliveredPerSecond / noisy.alone().deliveredPerSecond));
        return f;
    }

    private void plot(Path png) throws IOException {
        long origin = phases.isEmpty() ? 0 : phases.getFirst().startNanos;
        XYSeriesCollection throughput = new XYSeriesCollection();
        XYSeriesCollection latency = new XYSeriesCollection();
        XYSeries accepted = new XYSeries("accepted/s"), delivered = new XYSeries("delivered/s");
        XYSeries p50 = new XYSeries("submit→delivered p50"),
                p99 = new XYSeries("submit→delivered p99"),
                api99 = new XYSeries("API p99");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("seconds since the first phase started"));
        List<double[]> spans = new ArrayList<>();
        for (PhaseResult p : phases) {
            double offset = (p.startNanos - origin) / 1e9;
            spans.add(new double[] {offset, offset + p.loadSeconds});
            // whole seconds of the load window only: the last, partial one would show as a dip
            for (PhaseResult.Second s : p.seconds) {
                if (s.second() >= (int) p.loadSeconds) break;
                double x = offset + s.second() + 0.5;
                accepted.add(x, s.accepted());
                delivered.add(x, s.delivered());
                if (!Double.isNaN(s.p50Ms())) p50.add(x, Math.max(0.1, s.p50Ms()));
                if (!Double.isNaN(s.p99Ms())) p99.add(x, Math.max(0.1, s.p99Ms()));
                if (!Double.isNaN(s.apiP99Ms())) api99.add(x, Math.max(0.1, s.apiP99Ms()));
            }
            // break the lines between phases
            for (XYSeries series : List.of(accepted, delivered, p50, p99, api99))
                series.add(offset + p.loadSeconds + 0.5, null);
        }
        throughput.addSeries(accepted);
        throughput.addSeries(delivered);
        latency.addSeries(p50);
        latency.addSeries(p99);
        latency.addSeries(api99);
        XYPlot top = new XYPlot(
                throughput,
                null,
                new NumberAxis("webhooks per second"),
                renderer(new Color(0x1f77b4), new Color(0x2ca02c)));
        LogAxis logAxis = new LogAxis("latency, ms (log)");
        logAxis.setSmallestValue(0.1);
        logAxis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0)); // a tick at each power of ten
        logAxis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        XYPlot bottom = new XYPlot(
                latency, null, logAxis, renderer(new Color(0xff7f0e), new Color(0xd62728), new Color(0x9467bd)));
        for (XYPlot sub : List.of(top, bottom)) {
            for (double[] span : spans) {
                IntervalMarker marker = new IntervalMarker(span[0], span[1]);
                marker.setPaint(new Color(0, 0, 0, 12));
                sub.addDomainMarker(marker);
            }
            sub.setBackgroundPaint(Color.WHITE);
            sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
            sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        plot.add(top, 1);
        plot.add(bottom, 1);
        String title = "Chis " + (options.split() ? "split roles" : "all roles") + " — "
                + String.join(", then ", phases.stream().map(p -> p.mode).toList());
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT.deriveFont(14f), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 700);
    }

    private static XYLineAndShapeRenderer renderer(Color... colors) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        return renderer;
    }

    private interface Cell {
        String of(PhaseResult p);
    }

    private void row(StringBuilder md, String name, Cell cell) {
        md.append("| ").append(name).append(" |");
        for (PhaseResult p : phases) md.append(' ').append(cell.of(p)).append(" |");
        md.append('\n');
    }

    private List<String> argsEcho() {
        List<String> args = new ArrayList<>();
        if (options.split()) args.add("--split");
        for (int rate : options.rates()) {
            if (rate > 0) {
                args.add("--rate");
                args.add(String.valueOf(rate));
            } else {
                args.add("--max");
                args.add("--concurrency");
                args.add(String.valueOf(options.concurrency()));
            }
        }
        args.add("--duration");
        args.add(options.duration().toSeconds() + "s");
        if (options.prefill() > 0) args.addAll(List.of("--prefill", String.valueOf(options.prefill())));
        if (options.schema()) args.add("--schema");
        if (options.fanout() > 0) args.addAll(List.of("--fanout", String.valueOf(options.fanout())));
        if (options.outage() > 0) args.addAll(List.of("--outage", String.valueOf(options.outage())));
        if (options.tenants() > 0)
            args.addAll(List.of(
                    "--noisy",
                    "--tenants",
                    String.valueOf(options.tenants()),
                    "--noisy-rate",
                    String.valueOf(options.noisyRate())));
        if (!options.pgStatements()) args.add("--no-pg-statements");
        if (options.name() != null && !options.name().equals("latest")) {
            args.add("--name");
            args.add(options.name());
        }
        return args;
    }

    private static Properties load(Path path) throws IOException {
        if (!Files.isRegularFile(path)) return null;
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(path)) {
            p.load(in);
        }
        return p;
    }

    static String git(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) return "–";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f%%", v);
    }

    private static String two(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.0f", v);
    }
}
