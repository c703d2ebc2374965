package io.chis.runtime.persist;

import java.util.Set;

/** Status names shared by deliveries and messages (a message's status rolls up its deliveries'). */
public final class MessageStatus {

    public static final String PENDING = "pending";
    public static final String DELIVERING = "delivering";
    public static final String RETRYING = "retrying";
    public static final String DELIVERED = "delivered";
    public static final String DEAD = "dead";

    public static final Set<String> ALL = Set.of(PENDING, DELIVERING, RETRYING, DELIVERED, DEAD);

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
}
