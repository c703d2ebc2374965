package io.chis.operator.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Micrometer meters the runtime registers, read from its sources (the operator module does not depend on it). */
final class RuntimeMeters {
    private static final Path SOURCES = Path.of("..", "runtime", "src", "main", "java");
    private static final Pattern BUILDER =
            Pattern.compile("(?:Counter|Gauge|DistributionSummary|Timer)\\.builder\\(\"([a-z.]+)\"");
    /** What the Prometheus registry appends to a meter's name: counters' _total, units, histogram series. */
    private static final Pattern PROMETHEUS_SUFFIX =
            Pattern.compile("(_total|_bucket|_count|_sum|_max)$|(_ms|_seconds)(?=$|_)");

    private RuntimeMeters() {}

    static Set<String> names() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = BUILDER.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** {@code http_request_duration_ms_bucket} → {@code http.request.duration}. */
    static String meterName(String prometheusName) {
        String name = prometheusName;
        String stripped;
        while (!(stripped = PROMETHEUS_SUFFIX.matcher(name).replaceFirst("")).equals(name)) {
            name = stripped;
        }
        return name.replace('_', '.');
    }
}
