package io.chis.runtime.api;

import io.chis.proto.v1.ListMessagesResponse;
import java.util.List;

/** A page of {@code GET /webhook/messages}, newest first; {@code nextCursor} is null on the last page. */
public record MessagePage(List<MessageView> messages, String nextCursor) {

    static MessagePage of(ListMessagesResponse page) {
        return new MessagePage(
                page.getMessagesList().stream()
                        .map(m -> MessageView.of(m, false))
                        .toList(),
                MessageView.emptyToNull(page.getNextCursor()));
    }
}
