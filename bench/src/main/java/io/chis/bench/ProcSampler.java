package io.chis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU and memory of the processes on the machine, read from {@code /proc/<pid>/stat} (utime + stime, in clock
 * ticks) and {@code /proc/<pid>/status} (VmRSS, VmHWM). A group is a set of processes picked by a test on the pid,
 * e.g. "the runtime" or "every postgres process under the stores".
 */
final class ProcSampler {

    static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux (getconf CLK_TCK)

    /** A named set of processes: the roots, with their descendants if asked, whose command name starts with {@code comm} (any if null). */
    record Group(String name, List<Long> roots, boolean descendants, String comm) {

        boolean contains(long pid, Map<Long, String[]> stats) {
            String[] f = stats.get(pid);
            if (f == null || (comm != null && !f[1].startsWith(comm))) return false;
            long p = pid;
            for (int depth = 0; depth < 32 && p > 1; depth++) {
                if (roots.contains(p)) return true;
                if (!descendants) return false;
                String[] parent = stats.get(p);
                if (parent == null) return false;
                p = Long.parseLong(parent[3]);
            }
            return false;
        }
    }

    /** One reading of a group: its processes' CPU ticks so far and their summed RSS. */
    record Reading(long nanos, long cpuTicks, long rssKib) {}

    private final List<Group> groups;
    final Map<String, List<Reading>> readings = new LinkedHashMap<>();
    private volatile boolean running;
    private Thread thread;

    ProcSampler(List<Group> groups) {
        this.groups = groups;
        for (Group g : groups) readings.put(g.name(), java.util.Collections.synchronizedList(new ArrayList<>()));
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("proc-sampler").start(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join();
        }
        sample();
    }

    void sample() {
        long now = System.nanoTime();
        Map<Long, String[]> stats = new java.util.HashMap<>();
        for (long pid : allPids()) {
            String[] f = statFields(pid);
            if (f != null) stats.put(pid, f);
        }
        for (Group g : groups) {
            long ticks = 0, rss = 0;
            for (var e : stats.entrySet()) {
                if (!g.contains(e.getKey(), stats)) continue;
                ticks += Long.parseLong(e.getValue()[13]) + Long.parseLong(e.getValue()[14]);
                rss += statusKib(e.getKey(), "VmRSS:");
            }
            readings.get(g.name()).add(new Reading(now, ticks, rss));
        }
    }

    /** CPU used between two instants as a percentage of one core (200% = both cores of a 2-core machine). */
    double cpuPercent(String group, long fromNanos, long toNanos) {
        Reading a = nearest(group, fromNanos), b = nearest(group, toNanos);
        if (a == null || b == null || b.nanos() <= a.nanos()) return Double.NaN;
        return (b.cpuTicks() - a.cpuTicks()) / TICKS_PER_SECOND / ((b.nanos() - a.nanos()) / 1e9) * 100;
    }

    /** Highest summed RSS sampled between two instants, in MiB. */
    double maxRssMib(String group, long fromNanos, long toNanos) {
        return readings.get(group).stream()
                        .filter(r -> r.nanos() >= fromNanos && r.nanos() <= toNanos)
                        .mapToLong(Reading::rssKib)
                        .max()
                        .orElse(0)
                / 1024.0;
    }

    private Reading nearest(String group, long nanos) {
        Reading best = null;
        for (Reading r : readings.get(group)) {
            if (best == null || Math.abs(r.nanos() - nanos) < Math.abs(best.nanos() - nanos)) best = r;
        }
        return best;
    }

    static List<Long> allPids() {
        List<Long> pids = new ArrayList<>();
        try (var dir = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : dir) pids.add(Long.parseLong(p.getFileName().toString()));
        } catch (IOException e) {
            // /proc unreadable: no samples
        }
        return pids;
    }

    /** A field of /proc/pid/status in KiB (e.g. {@code VmRSS:}, {@code VmHWM:}); 0 when absent. */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field))
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    // Fields after the command name, which may hold spaces: index 0 is "pid", 1 "comm", then state, ppid, ...
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            int close = stat.lastIndexOf(')');
            String[] rest = stat.substring(close + 2).split(" ");
            String[] fields = new String[rest.length + 2];
            fields[0] = String.valueOf(pid);
            fields[1] = stat.substring(stat.indexOf('(') + 1, close);
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return fields;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
