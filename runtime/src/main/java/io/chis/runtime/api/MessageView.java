package io.chis.runtime.api;

import io.chis.proto.v1.Message;
import java.util.List;

/** A message as {@code GET /webhook/messages[/{id}]} shows it; absent optional values are {@code null}. */
public record MessageView(String id, String status, String eventType, String createdAt, List<DeliveryView> deliveries) {

    /** @param withAttempts each delivery's attempts, shown for one message and left out of a page */
    static MessageView of(Message m, boolean withAttempts) {
        return new MessageView(
                m.getId(),
                m.getStatus(),
                emptyToNull(m.getEventType()),
                emptyToNull(m.getCreatedAt()),
                m.getDeliveriesList().stream()
                        .map(d -> DeliveryView.of(d, withAttempts))
                        .toList());
    }

    // proto3 strings cannot be null: empty means "none" on the wire
    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
