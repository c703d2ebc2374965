package io.chis.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code make bench ARGS="..."} asks for. */
record Options(
        boolean split,
        Duration duration,
        long count,
        List<Integer> rates,
        int concurrency,
        Duration warmup,
        Duration drain,
        Duration ceilingDuration,
        boolean ceilings,
        boolean durable,
        int payloadBytes,
        String sink,
        List<String> jvmOptions,
        Map<String, String> env,
        boolean jfr,
        String name,
        boolean baseline,
        String label,
        Path runtimeJar,
        Path resultsDir,
        long prefill,
        Path prefillDir,
        Duration prefillSpan,
        boolean pgStatements,
        int fanout,
        long outage,
        int tenants,
        int noisyRate,
        boolean schema) {

    /**
     * Container-like limits, so RSS stays under 512 MiB whatever the load: a fixed 256 MiB heap, capped direct
     * buffers (Netty), metaspace and code cache, smaller thread stacks; the serial collector, which on two cores
     * shared with PostgreSQL costs the least CPU (young pauses of a few ms on this heap).
     */
    static final List<String> DEFAULT_JVM = List.of(
            "-Xms256m",
            "-Xmx256m",
            "-XX:MaxDirectMemorySize=64m",
            "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=64m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "--enable-native-access=ALL-UNNAMED");

    /**
     * The worker's attempts in flight: at the default 64 the worker falls behind the api at max throughput on two
     * cores (its claims and records batch less); 256 keeps both at the same rate. Override with --env.
     */
    static final Map<String, String> DEFAULT_ENV = Map.of("CHIS_WORKER_CONCURRENCY", "256");

    static final String USAGE = """
            usage: make bench ARGS="[options]"
              --split                 one process per role (api, delivery, worker, scheduler) instead of one 'all' process
              --rate N                a phase at N sends per second on a fixed schedule (open loop)
              --max                   a phase at max throughput: --concurrency sends in flight, each sent when the previous answers
                                      (default, without --rate or --max: --max then --rate 1000; phases run in the order given)
              --concurrency N         sends in flight in max mode (default 64)
              --duration 60s          how long to send (default 30s)
              --count N               stop after N sends instead (whichever comes first with --duration)
              --warmup 45s            max-throughput load before measuring (JIT, pools), not counted (default 45s: on two cores the JIT keeps improving for that long; 0 to skip)
              --drain 60s             how long to wait after the load for the last deliveries (default 60s)
              --ceiling-duration 10s  how long each ceiling measurement runs (default 10s)
              --no-ceiling            skip the PostgreSQL INSERT and sink ceilings
              --no-fsync              PostgreSQL as zonky starts it for make run and tests (fsync and synchronous_commit
                                      off): not durable, only to see what durability costs
              --payload-bytes 256     approximate size of each payload (default 256)
              --sink netty|jdk        the receiving HTTP server (default netty)
              --jvm "-Xmx.. -X.."     JVM options for the runtime, replacing the defaults
              --env K=V               extra environment for the runtime (repeatable); default CHIS_WORKER_CONCURRENCY=256
              --jfr                   record a JFR profile of each runtime process into the run directory
              --name latest           report name under bench/results/ (default latest)
              --baseline              also save the figures as bench/results/baseline.properties
              --label TEXT            what this run is, for the before/after table
              --runtime-jar PATH      the runtime to measure (default runtime/target/chis-runtime.jar)
              --prefill N             store N historical messages (with deliveries and attempts, by COPY) before measuring;
                                      built once into --prefill-dir, keyed by N and the runtime's migrations, copied per run
              --prefill-dir DIR       where prefilled data directories are kept (default bench/prefill)
              --prefill-span 1h       the prefilled messages' created_at spread over this much time before the prefill
              --no-pg-statements      do not load pg_stat_statements (statements per webhook then come from commits only)
              --schema                a max-throughput phase of URL sends under an event type with a JSON Schema (an
                                      order document), reported beside the plain max phase (which it adds if not asked)
              --fanout E              a max-throughput phase sending by event type to E endpoints of the account
              --outage K              a phase with the receivers down (503) while K messages are accepted, then back:
                                      the API's accept rate meanwhile and the drain rate (README suggests 200000)
              --noisy                 a noisy-neighbour pair of phases: --tenants quiet tenants at max throughput alone,
                                      then again while one more tenant sends --noisy-rate/s to a receiver that never answers
              --tenants 3             quiet tenants in the noisy-neighbour phases (default 3)
              --noisy-rate 100        the stalled tenant's sends per second (default 100)
            """;

    static Options parse(String[] args) {
        boolean split = false, ceilings = true, durable = true, jfr = false, baseline = false;
        Duration duration = Duration.ofSeconds(30),
                warmup = Duration.ofSeconds(45),
                drain = Duration.ofSeconds(60),
                ceilingDuration = Duration.ofSeconds(10);
        long count = Long.MAX_VALUE;
        List<Integer> rates = new ArrayList<>();
        int concurrency = 64, payloadBytes = 256;
        String sink = "netty", name = "latest", label = null;
        Path runtimeJar = Path.of("runtime/target/chis-runtime.jar");
        List<String> jvm = DEFAULT_JVM;
        Map<String, String> env = new LinkedHashMap<>(DEFAULT_ENV);
        long prefill = 0, outage = 0;
        Path prefillDir = Path.of("bench/prefill");
        Duration prefillSpan = Duration.ofHours(1);
        boolean pgStatements = true, noisy = false, schema = false;
        int fanout = 0, tenants = 3, noisyRate = 100;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--split" -> split = true;
                case "--max" -> rates.add(0);
                case "--rate" -> rates.add(Integer.parseInt(value(args, ++i, arg)));
                case "--concurrency" -> concurrency = Integer.parseInt(value(args, ++i, arg));
                case "--duration" -> duration = duration(value(args, ++i, arg));
                case "--count" -> count = Long.parseLong(value(args, ++i, arg));
                case "--warmup" -> warmup = duration(value(args, ++i, arg));
                case "--drain" -> drain = duration(value(args, ++i, arg));
                case "--ceiling-duration" -> ceilingDuration = duration(value(args, ++i, arg));
                case "--no-ceiling" -> ceilings = false;
                case "--no-fsync" -> durable = false;
                case "--payload-bytes" -> payloadBytes = Integer.parseInt(value(args, ++i, arg));
                case "--sink" -> sink = value(args, ++i, arg);
                case "--jvm" -> jvm = List.of(value(args, ++i, arg).trim().split("\\s+"));
                case "--env" -> {
                    String kv = value(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("--env takes NAME=VALUE, got " + kv);
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--jfr" -> jfr = true;
                case "--name" -> name = value(args, ++i, arg);
                case "--baseline" -> baseline = true;
                case "--label" -> label = value(args, ++i, arg);
                case "--runtime-jar" -> runtimeJar = Path.of(value(args, ++i, arg));
                case "--prefill" ->
                    prefill = Long.parseLong(value(args, ++i, arg).replace("_", ""));
                case "--prefill-dir" -> prefillDir = Path.of(value(args, ++i, arg));
                case "--prefill-span" -> prefillSpan = duration(value(args, ++i, arg));
                case "--no-pg-statements" -> pgStatements = false;
                case "--schema" -> schema = true;
                case "--fanout" -> fanout = Integer.parseInt(value(args, ++i, arg));
                case "--outage" -> outage = Long.parseLong(value(args, ++i, arg).replace("_", ""));
                case "--noisy" -> noisy = true;
                case "--tenants" -> tenants = Integer.parseInt(value(args, ++i, arg));
                case "--noisy-rate" -> noisyRate = Integer.parseInt(value(args, ++i, arg));
                case "--help", "-h" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (!sink.equals("netty") && !sink.equals("jdk")) throw new IllegalArgumentException("--sink is netty or jdk");
        // the extra phases alone are a run of their own: the default phases only when nothing else is asked
        if (rates.isEmpty() && fanout == 0 && outage == 0 && !noisy && !schema) rates = List.of(0, 1000);
        // schema'd sends are judged against plain ones of the same run
        if (schema && !rates.contains(0)) rates.add(0);
        if (prefill < 0 || fanout < 0 || outage < 0 || tenants < 1 || noisyRate < 1)
            throw new IllegalArgumentException(
                    "--prefill, --fanout, --outage, --tenants and --noisy-rate must be positive");
        if (rates.stream().anyMatch(r -> r < 0) || concurrency < 1)
            throw new IllegalArgumentException("--rate and --concurrency must be positive");
        List<String> jvmOptions = new ArrayList<>(jvm);
        return new Options(
                split,
                duration,
                count,
                List.copyOf(rates),
                concurrency,
                warmup,
                drain,
                ceilingDuration,
                ceilings,
                durable,
                payloadBytes,
                sink,
                List.copyOf(jvmOptions),
                Map.copyOf(env),
                jfr,
                name,
                baseline,
                label,
                runtimeJar,
                Path.of("bench/results"),
                prefill,
                prefillDir,
                prefillSpan,
                pgStatements,
                fanout,
                outage,
                noisy ? tenants : 0,
                noisyRate,
                schema);
    }

    /** How a phase loads the API, for the report. */
    String mode(int rate) {
        return rate > 0
                ? "steady " + rate + "/s (open loop)"
                : "max throughput (" + concurrency + " in flight, closed loop)";
    }

    /** How the schema'd phase loads the API, for the report. */
    String schemaMode() {
        return "max throughput, schema'd event type (" + concurrency + " in flight, closed loop)";
    }

    /** A phase's key in the saved figures: {@code rate1000} or {@code max}. */
    static String key(int rate) {
        return rate > 0 ? "rate" + rate : "max";
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m} or bare seconds. */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        if (t.endsWith("s"))
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        if (t.endsWith("m")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    }
}
