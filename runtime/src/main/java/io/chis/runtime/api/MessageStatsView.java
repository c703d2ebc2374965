package io.chis.runtime.api;

import io.chis.proto.v1.MessageStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer to {@code GET /webhook/stats}: the account's messages by status (every status, zero included) and its
 * attempts per minute over the last hour, oldest first, every minute present.
 */
public record MessageStatsView(Map<String, Long> messages, List<Minute> minutes) {

    /** Attempts that started in one minute: {@code delivered} answered 2xx, {@code failed} did not. */
    public record Minute(String minute, long delivered, long failed) {}

    static MessageStatsView of(MessageStats stats) {
        return new MessageStatsView(
                new TreeMap<>(stats.getMessagesMap()),
                stats.getMinutesList().stream()
                        .map(m -> new Minute(m.getMinute(), m.getDelivered(), m.getFailed()))
                        .toList());
    }
}
