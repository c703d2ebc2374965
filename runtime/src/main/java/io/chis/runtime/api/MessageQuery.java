package io.chis.runtime.api;

import io.chis.runtime.support.ApiException;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The query of {@code GET /webhook/messages}: {@code status} and {@code eventType} filters and {@code cursor} (empty
 * for none), {@code limit} 1 to 100 (20 when absent).
 */
public record MessageQuery(String status, String eventType, int limit, String cursor) {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    /** A bad {@code limit} is a 400. */
    static MessageQuery from(ServerRequest request) {
        int limit;
        try {
            limit = Integer.parseInt(request.queryParam("limit").orElse(String.valueOf(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a number between 1 and " + MAX_LIMIT);
        }
        if (limit < 1 || limit > MAX_LIMIT) throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        return new MessageQuery(
                request.queryParam("status").orElse(""),
                request.queryParam("eventType").orElse(""),
                limit,
                request.queryParam("cursor").orElse(""));
    }
}
