package io.chis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** The figures of one load phase, joined from what the generator sent and what the sink received. */
final class PhaseResult {

    /** One second of the phase: answers, deliveries and the latency of what arrived in it. */
    record Second(int second, long accepted, long delivered, double p50Ms, double p99Ms, double apiP99Ms) {}

    final String key;
    final String mode;
    final int rate;
    final long sent;
    final long accepted;
    final Map<String, Long> refused = new TreeMap<>();
    final long generatorSkipped;
    final double loadSeconds;
    final double acceptedPerSecond;
    final long deliveredInWindow;
    final double deliveredPerSecond;
    final long delivered;
    final double allDeliveredSeconds;
    final long missing;
    final long duplicates;
    final long duplicateIds;
    final List<String> missingSample = new ArrayList<>();
    final Histogram latency = histogram();
    final Histogram api = histogram();
    final List<Second> seconds = new ArrayList<>();
    final long startNanos;
    final long lastArrivalNanos;

    /** Deliveries that reached the sink during the load window, per tenant (the noisy-neighbour phases). */
    final Map<String, Long> deliveredInWindowByTenant = new TreeMap<>();

    // filled in by Bench from the process samples
    double runtimeCpuPercent, postgresCpuPercent, redisCpuPercent, benchCpuPercent, runtimeMaxRssMib;
    // filled in by Bench from PostgreSQL's counters, from the phase's start to the end of its drain
    PgWork.Delta pgWork;
    // filled in by Bench for the outage phase
    Outage outage;

    /**
     * The receivers were down from the phase's start until {@code returnedAfterSeconds}; the API accepted {@code
     * acceptedPerSecond} meanwhile; once back, {@code backlog} deliveries reached the sink in {@code drainSeconds}.
     */
    record Outage(
            double downSeconds,
            double acceptedPerSecond,
            long refusedWhileDown,
            long backlog,
            double drainSeconds,
            double drainPerSecond) {}

    PhaseResult(LoadGenerator.Phase phase, int rate, String mode, Map<String, Sink.Arrival> arrivals) {
        this(phase, Options.key(rate), rate, mode, arrivals);
    }

    PhaseResult(LoadGenerator.Phase phase, String key, int rate, String mode, Map<String, Sink.Arrival> arrivals) {
        this.key = key;
        this.mode = mode;
        this.rate = rate;
        this.startNanos = phase.startNanos;
        this.generatorSkipped = phase.generatorSkipped.get();
        this.loadSeconds = (phase.endNanos - phase.startNanos) / 1e9;
        int buckets = (int) Math.ceil(loadSeconds) + 600;
        long[] acceptedPer = new long[buckets], deliveredPer = new long[buckets];
        Histogram[] latencyPer = new Histogram[buckets], apiPer = new Histogram[buckets];
        long sentCount = 0, acceptedCount = 0, inWindow = 0, deliveredCount = 0, missingCount = 0, dups = 0, dupIds = 0;
        long last = phase.startNanos;
        for (LoadGenerator.Sent s : phase.sends) {
            sentCount++;
            if (s.answeredNanos != 0) {
                long apiMicros = Math.max(0, (s.answeredNanos - s.intendedNanos) / 1000);
                api.recordValue(Math.min(apiMicros, api.getHighestTrackableValue()));
                int b = bucket(s.answeredNanos, buckets);
                (apiPer[b] == null ? apiPer[b] = histogram() : apiPer[b])
                        .recordValue(Math.min(apiMicros, api.getHighestTrackableValue()));
            }
            if (s.status != 202 || s.id == null) {
                String why = s.status == 0 ? "no answer: " + shorten(s.error) : "HTTP " + s.status;
                refused.merge(why, 1L, Long::sum);
                continue;
            }
            acceptedCount++;
            acceptedPer[bucket(s.answeredNanos, buckets)]++;
            LoadGenerator.Route route = phase.routes.get(s.route);
            // one delivery per tag: a URL send arrives once, a fan-out send once at each endpoint's path
            for (String tag : route.tags()) {
                Sink.Arrival arrival = arrivals.get(Sink.key(tag, s.id));
                if (arrival == null) {
                    missingCount++;
                    if (missingSample.size() < 10) missingSample.add(Sink.key(tag, s.id));
                    continue;
                }
                deliveredCount++;
                if (arrival.count > 1) {
                    dups += arrival.count - 1;
                    dupIds++;
                }
                if (arrival.firstNanos <= phase.endNanos) {
                    inWindow++;
                    deliveredInWindowByTenant.merge(route.tenant().name, 1L, Long::sum);
                }
                last = Math.max(last, arrival.firstNanos);
                long micros = Math.max(0, (arrival.firstNanos - s.intendedNanos) / 1000);
                micros = Math.min(micros, latency.getHighestTrackableValue());
                latency.recordValue(micros);
                int b = bucket(arrival.firstNanos, buckets);
                deliveredPer[b]++;
                (latencyPer[b] == null ? latencyPer[b] = histogram() : latencyPer[b]).recordValue(micros);
            }
        }
        this.sent = sentCount;
        this.accepted = acceptedCount;
        this.deliveredInWindow = inWindow;
        this.delivered = deliveredCount;
        this.missing = missingCount;
        this.duplicates = dups;
        this.duplicateIds = dupIds;
        this.lastArrivalNanos = last;
        this.acceptedPerSecond = acceptedCount / loadSeconds;
        this.deliveredPerSecond = inWindow / loadSeconds;
        this.allDeliveredSeconds = (last - phase.startNanos) / 1e9;
        int lastBucket = 0;
        for (int i = 0; i < buckets; i++) if (acceptedPer[i] > 0 || deliveredPer[i] > 0) lastBucket = i;
        for (int i = 0; i <= lastBucket; i++) {
            seconds.add(new Second(
                    i,
                    acceptedPer[i],
                    deliveredPer[i],
                    latencyPer[i] == null ? Double.NaN : latencyPer[i].getValueAtPercentile(50) / 1000.0,
                    latencyPer[i] == null ? Double.NaN : latencyPer[i].getValueAtPercentile(99) / 1000.0,
                    apiPer[i] == null ? Double.NaN : apiPer[i].getValueAtPercentile(99) / 1000.0));
        }
    }

    /** Arrived ids that no send of any phase was told about: sends whose answer was lost but whose message was committed. */
    static long unannounced(Map<String, Sink.Arrival> arrivals, Set<String> announced) {
        return arrivals.keySet().stream().filter(id -> !announced.contains(id)).count();
    }

    double latencyMs(double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    double apiMs(double percentile) {
        return api.getTotalCount() == 0 ? Double.NaN : api.getValueAtPercentile(percentile) / 1000.0;
    }

    /** CPU time over the load window per webhook handled, taking a webhook as half an accept and half a delivery. */
    double cpuMicrosPerWebhook(double cpuPercent) {
        double webhooks = (accepted + deliveredInWindow) / 2.0;
        return webhooks == 0 ? Double.NaN : cpuPercent / 100 * loadSeconds * 1e6 / webhooks;
    }

    double deliveredOverall() {
        return allDeliveredSeconds <= 0 ? 0 : delivered / allDeliveredSeconds;
    }

    private int bucket(long nanos, int buckets) {
        return (int) Math.max(0, Math.min(buckets - 1, (nanos - startNanos) / 1_000_000_000L));
    }

    private static Histogram histogram() {
        return new Histogram(3_600_000_000L, 3); // microseconds, up to an hour
    }

    private static String shorten(String s) {
        if (s == null) return "unknown";
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
