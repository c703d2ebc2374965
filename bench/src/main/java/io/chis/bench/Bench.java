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
        try (Sink sink = Sink.start(options.sink());
                EmbeddedStores stores = EmbeddedStores.start(runDir.resolve("data"), 0, 0, options.durable());
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
                    new ProcSampler.Group("postgres", List.of(postmasterPid(runDir.resolve("data"))), true, "postgres"),
                    new ProcSampler.Group(
                            "redis", List.of(ProcessHandle.current().pid()), true, "redis-server"),
                    new ProcSampler.Group(
                            "bench", List.of(ProcessHandle.current().pid()), false, null)));
            sampler.start();

            try (LoadGenerator generator = new LoadGenerator(processes.httpPort, sink.port(), options.payloadBytes())) {
                generator.createAccount();
                Set<String> announced = new HashSet<>();
                if (!options.warmup().isZero()) {
                    log(
                            "warm-up: max throughput for %ds (not measured) ...",
                            options.warmup().toSeconds());
                    LoadGenerator.Phase warmup = new LoadGenerator.Phase("warmup");
                    runPhase(generator, sink, warmup, 0, options.warmup(), Long.MAX_VALUE);
                    drain(generator, sink, warmup, announced);
                }
                for (int rate : options.rates()) {
                    log(
                            "phase %s for %ds ...",
                            options.mode(rate), options.duration().toSeconds());
                    LoadGenerator.Phase phase = new LoadGenerator.Phase(Options.key(rate));
                    runPhase(generator, sink, phase, rate, options.duration(), options.count());
                    drain(generator, sink, phase, announced);
                    PhaseResult result = new PhaseResult(phase, rate, options.mode(rate), sink.arrivals);
                    sampler.sample();
                    long from = phase.startNanos, to = phase.endNanos;
                    result.runtimeCpuPercent = sampler.cpuPercent("runtime", from, to);
                    result.postgresCpuPercent = sampler.cpuPercent("postgres", from, to);
                    result.redisCpuPercent = sampler.cpuPercent("redis", from, to);
                    result.benchCpuPercent = sampler.cpuPercent("bench", from, to);
                    result.runtimeMaxRssMib = sampler.maxRssMib("runtime", from, System.nanoTime());
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
                }
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
    }

    /** Waits for the phase's answers, then for every accepted id to reach the sink (or the drain time to pass). */
    private void drain(LoadGenerator generator, Sink sink, LoadGenerator.Phase phase, Set<String> announced)
            throws InterruptedException {
        int unanswered = generator.awaitAnswers(Duration.ofSeconds(35));
        if (unanswered > 0) log("  %d sends still unanswered after 35 s", unanswered);
        List<String> ids = new ArrayList<>();
        for (LoadGenerator.Sent s : phase.sends) if (s.id != null) ids.add(s.id);
        announced.addAll(ids);
        long deadline = System.nanoTime() + options.drain().toNanos();
        int from = 0;
        while (System.nanoTime() - deadline < 0) {
            while (from < ids.size() && sink.arrivals.containsKey(ids.get(from))) from++;
            if (from == ids.size()) return;
            Thread.sleep(100);
        }
        log(
                "  %d accepted ids not delivered after a %ds drain",
                ids.size() - from, options.drain().toSeconds());
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
