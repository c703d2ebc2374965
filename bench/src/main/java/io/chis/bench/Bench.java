package io.chis.bench;

import io.chis.stores.EmbeddedStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code make bench}: embedded stores, the runtime as separate processes, a sink on loopback and a load generator
 * using a real API key; the machine's ceilings measured in the same run; a Markdown report, a PNG and one summary line.
 */
public final class Bench {

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) System.err.println("bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (!Files.isRegularFile(options.runtimeJar())) {
            System.err.println("bench: " + options.runtimeJar() + " is missing: build it first (make bench does)");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        new Bench(options).run();
        System.exit(0);
    }

    private final Options options;
    private final Path runDir;

    private Bench(Options options) throws Exception {
        this.options = options;
        this.runDir = Files.createDirectories(Path.of("bench/target/runs")
                .toAbsolutePath()
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
    }

    private void run() throws Exception {
        Machine machine = Machine.read();
        log("machine: %s", machine.describe());
        log("load before: %s", machine.loadAverage());
        log("run directory: %s", runDir);
        Report report = new Report(options, machine, runDir);
        Path dataDir = runDir.resolve("data");
        if (options.prefill() > 0) report.prefill = Prefill.prepare(options, runDir, dataDir);
        EmbeddedStores started = startStores(dataDir);
        try (Sink sink = Sink.start(options.sink());
                EmbeddedStores stores = started;
                Processes processes = new Processes(options, runDir)) {
            report.sinkDescription = sink.description();
            log("sink: %s on port %d", sink.description(), sink.port());
            String databaseUrl = stores.databaseUrl();
            try (Connection c = DriverManager.getConnection(Ceilings.jdbcUrl(databaseUrl))) {
                report.postgresSettings = String.format(
                        "PostgreSQL %s, fsync=%s, synchronous_commit=%s, wal_sync_method=%s",
                        Ceilings.show(c, "server_version"),
                        Ceilings.show(c, "fsync"),
                        Ceilings.show(c, "synchronous_commit"),
                        Ceilings.show(c, "wal_sync_method"));
            }
            log("stores: %s, %s; %s", databaseUrl, stores.redisUrl(), report.postgresSettings);
            PgWork pg = PgWork.connect(Ceilings.jdbcUrl(databaseUrl));
            report.pgStatements = pg.statements;
            log(
                    "PostgreSQL work: %s",
                    pg.statements
                            ? "pg_stat_statements loaded"
                            : "pg_stat_statements not loaded (commits and rows only)");

            if (options.ceilings()) {
                log(
                        "ceiling: PostgreSQL single-row INSERTs at %d connections for %ds ...",
                        Ceilings.POSTGRES_CONNECTIONS, options.ceilingDuration().toSeconds());
                report.postgresCeiling =
                        Ceilings.postgres(databaseUrl, options.ceilingDuration(), options.payloadBytes());
                log(
                        "  %,.0f inserts/s (synchronous_commit=%s, fsync=%s, wal_sync_method=%s)",
                        report.postgresCeiling.insertsPerSecond(),
                        report.postgresCeiling.synchronousCommit(),
                        report.postgresCeiling.fsync(),
                        report.postgresCeiling.walSyncMethod());
                for (String kind : List.of("netty", "jdk")) {
                    try (Sink probe = kind.equals(options.sink()) ? null : Sink.start(kind)) {
                        Sink target = probe == null ? sink : probe;
                        log(
                                "ceiling: %s sink, raw POSTs on %d keep-alive connections for %ds ...",
                                kind,
                                Ceilings.SINK_CONNECTIONS,
                                options.ceilingDuration().toSeconds());
                        Ceilings.SinkCeiling ceiling =
                                Ceilings.sink(target, options.ceilingDuration(), options.payloadBytes());
                        report.sinkCeilings.put(kind, ceiling);
                        log("  %,.0f requests/s", ceiling.requestsPerSecond());
                    }
                }
            }
            if (options.prefill() > 0) report.storedAtStart = count(databaseUrl, "messages");

            byte[] secret = new byte[48];
            new SecureRandom().nextBytes(secret);
            processes.startRuntime(
                    databaseUrl, stores.redisUrl(), Base64.getEncoder().encodeToString(secret));
            log(
                    "runtime: %s, JVM %s",
                    processes.roles.stream()
                            .map(r -> r.name() + " (pid " + r.pid() + ")")
                            .toList(),
                    String.join(" ", options.jvmOptions()));
            ProcSampler sampler = new ProcSampler(List.of(
                    new ProcSampler.Group(
                            "runtime",
                            processes.roles.stream().map(Processes.Role::pid).toList(),
                            true,
                            null),
                    new ProcSampler.Group("postgres", List.of(postmasterPid(dataDir)), true, "postgres"),
                    new ProcSampler.Group(
                            "redis", List.of(ProcessHandle.current().pid()), true, "redis-server"),
                    new ProcSampler.Group(
                            "bench", List.of(ProcessHandle.current().pid()), false, null)));
            sampler.start();

            try (LoadGenerator generator = new LoadGenerator(processes.httpPort, sink.port(), options.payloadBytes())) {
                LoadGenerator.Tenant main = generator.createTenant("main");
                LoadGenerator.Route urlSends = generator.urlSends(main);
                Set<String> announced = new HashSet<>();
                Measure measure = new Measure(generator, sink, sampler, pg, report, announced);
                if (!options.warmup().isZero()) {
                    log(
                            "warm-up: max throughput for %ds (not measured) ...",
                            options.warmup().toSeconds());
                    LoadGenerator.Phase warmup = new LoadGenerator.Phase("warmup", List.of(urlSends));
                    runPhase(generator, sink, warmup, 0, options.warmup(), Long.MAX_VALUE);
                    drain(sink, warmup, announced, options.drain());
                }
                for (int rate : options.rates()) {
                    log(
                            "phase %s for %ds ...",
                            options.mode(rate), options.duration().toSeconds());
                    LoadGenerator.Phase phase = new LoadGenerator.Phase(Options.key(rate), List.of(urlSends));
                    measure.phase(phase, Options.key(rate), rate, options.mode(rate), () -> {
                        runPhase(generator, sink, phase, rate, options.duration(), options.count());
                        drain(sink, phase, announced, options.drain());
                    });
                }
                if (options.schema()) {
                    LoadGenerator.Route orders = generator.schemaSends(main);
                    log(
                            "phase %s for %ds ...",
                            options.schemaMode(), options.duration().toSeconds());
                    LoadGenerator.Phase phase = new LoadGenerator.Phase(SCHEMA, List.of(orders));
                    measure.phase(phase, SCHEMA, 0, options.schemaMode(), () -> {
                        runPhase(generator, sink, phase, 0, options.duration(), options.count());
                        drain(sink, phase, announced, options.drain());
                    });
                }
                if (options.fanout() > 0) {
                    LoadGenerator.Route fanout = generator.endpoints(main, options.fanout(), "e", "bench.fanout", null);
                    String mode = "fan-out to " + options.fanout() + " endpoints by event type ("
                            + options.concurrency() + " in flight, closed loop)";
                    log("phase %s for %ds ...", mode, options.duration().toSeconds());
                    LoadGenerator.Phase phase = new LoadGenerator.Phase("fanout", List.of(fanout));
                    measure.phase(phase, "fanout" + options.fanout(), 0, mode, () -> {
                        runPhase(generator, sink, phase, 0, options.duration(), options.count());
                        drain(sink, phase, announced, options.drain());
                    });
                }
                if (options.outage() > 0) outage(measure, main, databaseUrl);
                if (options.tenants() > 0) noisy(measure);
                report.unannounced = PhaseResult.unannounced(sink.arrivals, announced);
                report.sinkWithoutId = sink.withoutId.sum();
            }
            for (Processes.Role role : processes.roles) {
                report.peakRssMib.put(role.name(), ProcSampler.statusKib(role.pid(), "VmHWM:") / 1024.0);
                report.rssSplit.put(
                        role.name(),
                        String.format(
                                java.util.Locale.ROOT,
                                "%.0f / %.0f MiB",
                                ProcSampler.statusKib(role.pid(), "RssAnon:") / 1024.0,
                                ProcSampler.statusKib(role.pid(), "RssFile:") / 1024.0));
            }
            sampler.stop();
            report.sampler = sampler;
            processes.stopRuntime();
        }
        report.loadAfter = machine.loadAverage();
        log("load after: %s", report.loadAfter);
        report.write();
        log("report: %s, %s", report.markdownPath(), report.pngPath());
        System.out.println(report.summaryLine());
    }

    /**
     * The stores on {@code dataDir}; with pg_stat_statements asked for and not yet loaded there, PostgreSQL is told to
     * load it at start and restarted once.
     */
    private EmbeddedStores startStores(Path dataDir) throws Exception {
        EmbeddedStores stores = EmbeddedStores.start(dataDir, 0, 0, options.durable());
        if (!options.pgStatements()) return stores;
        try {
            if (!PgWork.preload(Ceilings.jdbcUrl(stores.databaseUrl()))) return stores;
        } catch (Exception e) {
            stores.close();
            throw e;
        }
        log("stores: restarting PostgreSQL once to load pg_stat_statements");
        stores.close();
        return EmbeddedStores.start(dataDir, 0, 0, options.durable());
    }

    private static long count(String databaseUrl, String table) throws java.sql.SQLException {
        try (Connection c = DriverManager.getConnection(Ceilings.jdbcUrl(databaseUrl));
                var s = c.createStatement();
                var rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What a measured phase runs: its load and its drain. */
    interface Load {
        void run() throws Exception;
    }

    /** Runs a measured phase and joins what the generator, the sink, /proc and PostgreSQL saw into its result. */
    private record Measure(
            LoadGenerator generator, Sink sink, ProcSampler sampler, PgWork pg, Report report, Set<String> announced) {

        PhaseResult phase(LoadGenerator.Phase phase, String key, int rate, String mode, Load load) throws Exception {
            PgWork.Snapshot before = pg.snapshot();
            load.run();
            // PostgreSQL 14's statistics collector hears from a backend at most every 500 ms
            Thread.sleep(1000);
            PgWork.Snapshot after = pg.snapshot();
            PhaseResult result = new PhaseResult(phase, key, rate, mode, sink.arrivals);
            sampler.sample();
            long from = phase.startNanos, to = phase.endNanos;
            result.runtimeCpuPercent = sampler.cpuPercent("runtime", from, to);
            result.postgresCpuPercent = sampler.cpuPercent("postgres", from, to);
            result.redisCpuPercent = sampler.cpuPercent("redis", from, to);
            result.benchCpuPercent = sampler.cpuPercent("bench", from, to);
            result.runtimeMaxRssMib = sampler.maxRssMib("runtime", from, System.nanoTime());
            result.pgWork = pg.between(before, after);
            report.phases.add(result);
            log(
                    "  accepted %,.0f/s, delivered %,.0f/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, missing %d, duplicates %d",
                    result.acceptedPerSecond,
                    result.deliveredPerSecond,
                    result.latencyMs(50),
                    result.latencyMs(99),
                    result.latencyMs(100),
                    result.missing,
                    result.duplicates);
            log("  PostgreSQL per webhook: %s", Report.pgWorkLine(result));
            return result;
        }
    }

    /**
     * Receivers down (the sink answers 503) while {@code --outage} messages are accepted at max throughput, then back:
     * the API's accept rate meanwhile and the drain rate. The messages go to an endpoint whose policy retries every
     * 10 s at most and 100 times, so none is dead-lettered during the outage (the built-in schedule gives up after
     * 31 s) and all of them are due again within 10 s of the receivers' return.
     */
    private void outage(Measure measure, LoadGenerator.Tenant tenant, String databaseUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(Ceilings.jdbcUrl(databaseUrl));
                var s = c.createStatement()) {
            s.execute("insert into delivery_policies (name, max_retries, initial_delay_ms, multiplier, max_delay_ms,"
                    + " jitter, timeout_ms) values ('" + OUTAGE_POLICY + "', 100, 1000, 2, 10000, 0.1, 30000)"
                    + " on conflict (name) do nothing");
        }
        LoadGenerator.Route route = measure.generator().endpoints(tenant, 1, "outage", "bench.outage", OUTAGE_POLICY);
        String mode = String.format(
                java.util.Locale.ROOT,
                "receivers down while %,d are accepted, then back (%d in flight)",
                options.outage(),
                options.concurrency());
        LoadGenerator.Phase phase = new LoadGenerator.Phase("outage", List.of(route));
        Sink sink = measure.sink();
        long refusedBefore = sink.refusedWhileDown.sum();
        long[] returned = new long[1];
        log("phase %s ...", mode);
        PhaseResult result = measure.phase(phase, "outage", 0, mode, () -> {
            sink.down = true;
            try {
                runPhase(measure.generator(), sink, phase, 0, Duration.ofHours(1), options.outage());
            } finally {
                sink.down = false;
            }
            returned[0] = System.nanoTime();
            log("  receivers back after %.1f s; draining ...", (returned[0] - phase.startNanos) / 1e9);
            Duration wait =
                    options.drain().compareTo(Duration.ofMinutes(10)) > 0 ? options.drain() : Duration.ofMinutes(10);
            drain(sink, phase, measure.announced(), wait);
        });
        double drainSeconds = (result.lastArrivalNanos - returned[0]) / 1e9;
        result.outage = new PhaseResult.Outage(
                (returned[0] - phase.startNanos) / 1e9,
                result.acceptedPerSecond,
                sink.refusedWhileDown.sum() - refusedBefore,
                result.accepted,
                drainSeconds,
                drainSeconds <= 0 ? Double.NaN : result.delivered / drainSeconds);
        log(
                "  outage: accepted %,.0f/s while down; %,d delivered in %.1f s after the return: %,.0f/s",
                result.outage.acceptedPerSecond(), result.delivered, drainSeconds, result.outage.drainPerSecond());
    }

    static final String OUTAGE_POLICY = "bench-outage";

    /** The key of the schema'd phase in the report and the saved figures. */
    static final String SCHEMA = "schema";

    /**
     * Quiet tenants at max throughput alone, then again while a noisy tenant sends to a receiver (on a host of its
     * own) that reads each request and never answers, so its attempts hold worker slots until the delivery timeout.
     */
    private void noisy(Measure measure) throws Exception {
        LoadGenerator generator = measure.generator();
        List<LoadGenerator.Route> quiet = new ArrayList<>();
        for (int i = 0; i < options.tenants(); i++) quiet.add(generator.urlSends(generator.createTenant("quiet" + i)));
        LoadGenerator.Tenant noisyTenant = generator.createTenant("noisy");
        Sink.Netty stall = stallSink();
        try (stall) {
            LoadGenerator.Route stalled =
                    generator.stalledSends(noisyTenant, "http://" + stall.host() + ":" + stall.port());
            String alone = options.tenants() + " tenants alone (" + options.concurrency() + " in flight)";
            log("phase %s for %ds ...", alone, options.duration().toSeconds());
            LoadGenerator.Phase quietPhase = new LoadGenerator.Phase("quiet", quiet);
            PhaseResult before = measure.phase(quietPhase, "quiet", 0, alone, () -> {
                runPhase(generator, measure.sink(), quietPhase, 0, options.duration(), options.count());
                drain(measure.sink(), quietPhase, measure.announced(), options.drain());
            });
            String with = options.tenants() + " tenants + 1 stalled at " + options.noisyRate() + "/s";
            log("phase %s for %ds ...", with, options.duration().toSeconds());
            LoadGenerator.Phase noisyPhase = new LoadGenerator.Phase("noisy", quiet);
            LoadGenerator.Phase stalledSends = new LoadGenerator.Phase("stalled", List.of(stalled));
            PhaseResult after = measure.phase(noisyPhase, "noisy", 0, with, () -> {
                Thread noisy = Thread.ofPlatform()
                        .name("noisy-tenant")
                        .start(() -> generator.fixedRate(
                                stalledSends, options.noisyRate(), options.duration(), Long.MAX_VALUE));
                runPhase(generator, measure.sink(), noisyPhase, 0, options.duration(), options.count());
                noisy.join();
                awaitAnswers(generator);
                drain(measure.sink(), noisyPhase, measure.announced(), options.drain());
            });
            measure.report().noisy = new Report.Noisy(
                    before, after, stall.host(), options.noisyRate(), stalledSends.accepted.sum(), stall.stalled.sum());
            log(
                    "  quiet tenants: %,.0f delivered/s alone, %,.0f/s beside the stalled one (%.0f%%)",
                    before.deliveredPerSecond,
                    after.deliveredPerSecond,
                    100 * after.deliveredPerSecond / before.deliveredPerSecond);
        }
    }

    /** The stalled receiver on a loopback address of its own (its own host to the runtime), else on 127.0.0.1. */
    private static Sink.Netty stallSink() {
        try {
            return new Sink.Netty("127.0.0.2");
        } catch (RuntimeException notBindable) {
            return new Sink.Netty("127.0.0.1");
        }
    }

    /** One phase of load, with a line of progress every second. */
    private void runPhase(
            LoadGenerator generator, Sink sink, LoadGenerator.Phase phase, int rate, Duration duration, long count)
            throws InterruptedException {
        Thread progress = Thread.ofPlatform().daemon().start(() -> {
            long lastSent = 0, lastAccepted = 0, lastHooks = sink.hooks.sum();
            for (int second = 1; ; second++) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long sent = phase.sent.sum(), accepted = phase.accepted.sum(), hooks = sink.hooks.sum();
                log(
                        "  %3ds  sent %,6d/s  accepted %,6d/s  delivered %,6d/s  in flight at the API %,d",
                        second, sent - lastSent, accepted - lastAccepted, hooks - lastHooks, generator.outstanding());
                lastSent = sent;
                lastAccepted = accepted;
                lastHooks = hooks;
            }
        });
        try {
            if (rate > 0) generator.fixedRate(phase, rate, duration, count);
            else generator.maxThroughput(phase, options.concurrency(), duration, count);
        } finally {
            progress.interrupt();
        }
        awaitAnswers(generator);
    }

    /** Waits for the phase's answers (35 s at most). */
    private static void awaitAnswers(LoadGenerator generator) throws InterruptedException {
        int unanswered = generator.awaitAnswers(Duration.ofSeconds(35));
        if (unanswered > 0) log("  %d sends still unanswered after 35 s", unanswered);
    }

    /**
     * Waits for every delivery of the phase's accepted messages (one per endpoint tag) to reach the sink, or the
     * drain time to pass; the generator's answers must be in.
     */
    private void drain(Sink sink, LoadGenerator.Phase phase, Set<String> announced, Duration drain)
            throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (LoadGenerator.Sent s : phase.sends) {
            if (s.id == null) continue;
            announced.add(s.id);
            for (String tag : phase.routes.get(s.route).tags()) {
                ids.add(Sink.key(tag, s.id));
                announced.add(Sink.key(tag, s.id));
            }
        }
        long deadline = System.nanoTime() + drain.toNanos();
        int from = 0;
        while (System.nanoTime() - deadline < 0) {
            while (from < ids.size() && sink.arrivals.containsKey(ids.get(from))) from++;
            if (from == ids.size()) return;
            Thread.sleep(100);
        }
        log("  %d accepted deliveries not at the sink after a %ds drain", ids.size() - from, drain.toSeconds());
    }

    static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(format, args));
    }

    /** The machine the figures come from. */
    record Machine(int cores, String cpuModel, long memoryMib, String kernel, String java) {
        static Machine read() {
            String model = "unknown";
            long memKib = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        model = line.substring(line.indexOf(':') + 1).trim();
                        break;
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) memKib = Long.parseLong(line.replaceAll("\\D", ""));
                }
            } catch (Exception e) {
                // not Linux: leave unknown
            }
            return new Machine(
                    Runtime.getRuntime().availableProcessors(),
                    model,
                    memKib / 1024,
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        }

        String describe() {
            return String.format(
                    "%d cores (nproc), %s, %.1f GiB RAM, %s, %s", cores, cpuModel, memoryMib / 1024.0, kernel, java);
        }

        String loadAverage() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
            } catch (Exception e) {
                return "unknown";
            }
        }
    }

    /** The postmaster (pg_ctl detaches it, so it is no child of this process); its backends are its children. */
    private static long postmasterPid(Path dataDir) throws java.io.IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                .getFirst()
                .trim());
    }
}
