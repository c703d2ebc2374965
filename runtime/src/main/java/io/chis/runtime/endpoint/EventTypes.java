package io.chis.runtime.endpoint;

import java.util.List;
import java.util.regex.Pattern;

/** Event-type filters: an exact type ({@code user.created}), a prefix wildcard ({@code user.*}) or {@code *}. */
public final class EventTypes {

    private static final Pattern FILTER = Pattern.compile("^\\*$|^[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*(\\.\\*)?$");
    static final int MAX_FILTERS = 50;

    private EventTypes() {}

    public static boolean isValidFilter(String filter) {
        return filter != null
                && filter.length() <= 256
                && FILTER.matcher(filter).matches();
    }

    /** {@code user.*} matches {@code user.created} and {@code user.profile.updated}, not {@code user} itself. */
    public static boolean matches(String filter, String eventType) {
        if (filter.equals("*")) return true;
        if (filter.endsWith(".*")) return eventType.startsWith(filter.substring(0, filter.length() - 1));
        return filter.equals(eventType);
    }

    public static boolean anyMatches(List<String> filters, String eventType) {
        return filters.stream().anyMatch(filter -> matches(filter, eventType));
    }
}
