package io.chis.runtime.support;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. A message and its deliveries get ids of the
 * same millisecond, which is also their {@code created_at}, so a lookup by id names the partition that holds it.
 */
public final class TimeOrderedId {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedId() {}

    /** A new id carrying {@code at} (to the millisecond). */
    public static UUID at(Instant at) {
        long millis = at.toEpochMilli();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFF);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    /** The time a UUIDv7 carries; null for another version (ids made before partitioning were random). */
    public static Instant time(UUID id) {
        if (id.version() != 7) return null;
        return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
    }

    /**
     * The span of created_at the rows with these ids lie in, as timestamptz text for {@code between
     * :from::timestamptz and :to::timestamptz}: exact for UUIDv7 ids, so PostgreSQL reads only their partitions;
     * unbounded when any id is older than partitioning (such a lookup probes each partition's index).
     */
    public record Span(String from, String to) {

        public static Span of(Collection<UUID> ids) {
            Instant first = null, last = null;
            for (UUID id : ids) {
                Instant at = time(id);
                if (at == null) return new Span("-infinity", "infinity");
                if (first == null || at.isBefore(first)) first = at;
                if (last == null || at.isAfter(last)) last = at;
            }
            return first == null ? new Span("infinity", "-infinity") : new Span(first.toString(), last.toString());
        }

        public static Span of(UUID id) {
            return of(List.of(id));
        }
    }

    /** The time to store with an id made by {@link #at}: {@code at} cut to the millisecond the id keeps. */
    public static Instant truncated(Instant at) {
        return Instant.ofEpochMilli(at.toEpochMilli());
    }
}
