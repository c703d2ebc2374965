package io.chis.runtime.message;

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
}
