package io.chis.runtime.endpoint;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Event-type filters: an exact type ({@code user.created}), a prefix wildcard ({@code user.*}) or {@code *}. Chis's own
 * operational types ({@code chis.…}) are matched only by filters that name them ({@code chis.*}, {@code chis.endpoint.*}
 * or an exact type), so {@code *} subscribers get nothing they did not ask for.
 */
public final class EventTypes {

    public static final String OPERATIONAL_PREFIX = "chis.";
    private static final Pattern FILTER = Pattern.compile("^\\*$|^[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*(\\.\\*)?$");
    static final int MAX_FILTERS = 50;
    static final int MAX_LENGTH = 256;

    private EventTypes() {}

    public static boolean isValidFilter(String filter) {
        return filter != null
                && filter.length() <= MAX_LENGTH
                && FILTER.matcher(filter).matches();
    }

    /** A concrete type, as an event type's name: a filter without a wildcard. */
    public static boolean isValidType(String type) {
        return isValidFilter(type) && !type.endsWith("*");
    }

    public static boolean isOperational(String eventType) {
        return eventType.startsWith(OPERATIONAL_PREFIX);
    }

    /** {@code user.*} matches {@code user.created} and {@code user.profile.updated}, not {@code user} itself. */
    public static boolean matches(String filter, String eventType) {
        if (isOperational(eventType) && !isOperational(filter)) return false;
        if (filter.equals("*")) return true;
        if (filter.endsWith(".*")) return eventType.startsWith(filter.substring(0, filter.length() - 1));
        return filter.equals(eventType);
    }

    public static boolean anyMatches(List<String> filters, String eventType) {
        return filters.stream().anyMatch(filter -> matches(filter, eventType));
    }
}
