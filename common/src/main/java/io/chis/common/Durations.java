package io.chis.common;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Chis, for env vars and custom resources alike: one or more amounts with a unit
 * ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 30d}, {@code 1.5s}), or a bare number of seconds.
 */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");
    private static final Pattern BARE_SECONDS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private Durations() {}

    /** @throws IllegalArgumentException saying what is accepted, when the text is not a duration */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim();
        if (BARE_SECONDS.matcher(value).matches()) return millis(new BigDecimal(value).movePointRight(3));
        if (!WHOLE.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s, 5m, 1h30m or 30d");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(value);
        while (part.find()) {
            BigDecimal amount = new BigDecimal(part.group(1));
            long millisPerUnit = switch (part.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            total = total.plus(millis(amount.multiply(BigDecimal.valueOf(millisPerUnit))));
        }
        return total;
    }

    /** The shortest exact form in whole units: {@code 1500ms}, {@code 2m}, {@code 1h30m}, {@code 1d12h}, {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isZero()) return "0s";
        if (duration.toMillisPart() != 0) return duration.toMillis() + "ms";
        StringBuilder text = new StringBuilder();
        append(text, duration.toDaysPart(), "d");
        append(text, duration.toHoursPart(), "h");
        append(text, duration.toMinutesPart(), "m");
        append(text, duration.toSecondsPart(), "s");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) text.append(amount).append(unit);
    }

    private static Duration millis(BigDecimal millis) {
        return Duration.ofMillis(
                millis.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }
}
