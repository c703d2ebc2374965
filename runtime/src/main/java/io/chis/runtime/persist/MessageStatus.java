package io.chis.runtime.persist;

import java.util.Set;

/**
 * Status names shared by deliveries and messages (a message's status rolls up its deliveries'). The stored
 * {@code messages.status} never says {@code delivering}: claiming a delivery would otherwise write its message twice
 * per attempt. It holds the roll-up with a delivery in flight counted as pending ({@link #storedRollUp}), exact once
 * the message is finished, and reads derive the exact status of an unfinished message from its deliveries
 * ({@link #current}).
 */
public final class MessageStatus {

    public static final String PENDING = "pending";
    public static final String DELIVERING = "delivering";
    public static final String RETRYING = "retrying";
    public static final String DELIVERED = "delivered";
    public static final String DEAD = "dead";

    public static final Set<String> ALL = Set.of(PENDING, DELIVERING, RETRYING, DELIVERED, DEAD);

    /** Stored statuses exact without a look at the deliveries (nothing is in flight once a message has them). */
    public static final Set<String> FINISHED = Set.of(DELIVERED, DEAD);

    private MessageStatus() {}

    /**
     * SQL aggregate over a group of deliveries' {@code status} column: the message's status. In flight first, then
     * dead over delivered (so a message with any dead delivery is listed under {@code status=dead} for replay).
     */
    public static String rollUp(String statusColumn) {
        return """
                case
                  when bool_or(%1$s = 'delivering') then 'delivering'
                  when bool_or(%1$s = 'retrying') then 'retrying'
                  when bool_or(%1$s = 'pending') then 'pending'
                  when bool_and(%1$s = 'delivered') then 'delivered'
                  else 'dead'
                end""".formatted(statusColumn);
    }

    /** {@link #rollUp} as {@code messages.status} keeps it: a delivery being attempted counts as pending. */
    public static String storedRollUp(String statusColumn) {
        return rollUp("(case when %1$s = 'delivering' then 'pending' else %1$s end)".formatted(statusColumn));
    }

    /**
     * SQL expression: the exact status of message {@code m} (an alias of {@code messages}): the stored one when
     * finished, else the roll-up of its deliveries (one index lookup in its partition).
     */
    public static String current(String m) {
        return """
                case when %1$s.status in ('delivered', 'dead') then %1$s.status
                     else coalesce((select %2$s from deliveries d
                                    where d.message_id = %1$s.id and d.created_at = %1$s.created_at), %1$s.status)
                end""".formatted(m, rollUp("d.status"));
    }
}
