package io.chis.runtime.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chis.proto.v1.Delivery;
import java.util.List;

/** One delivery of a message (one URL); {@code attempts} only when one message is read, absent in a page. */
public record DeliveryView(
        String id,
        String url,
        String endpointId,
        String status,
        int attemptCount,
        String nextAttemptAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<AttemptView> attempts) {

    static DeliveryView of(Delivery d, boolean withAttempts) {
        return new DeliveryView(
                d.getId(),
                d.getUrl(),
                MessageView.emptyToNull(d.getEndpointId()),
                d.getStatus(),
                d.getAttemptCount(),
                MessageView.emptyToNull(d.getNextAttemptAt()),
                withAttempts ? d.getAttemptsList().stream().map(AttemptView::of).toList() : null);
    }
}
