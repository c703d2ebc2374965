package io.chis.runtime.support;

import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/** Reading small JSON request bodies with a clear 400 when the body is missing. */
public final class Json {

    private Json() {}

    public static <T> Mono<T> body(ServerRequest request, Class<T> type) {
        return request.bodyToMono(type)
                .switchIfEmpty(Mono.error(() -> ApiException.badRequest("request body is required (JSON)")));
    }

    public static String required(String value, String field) {
        if (value == null || value.isBlank()) throw ApiException.badRequest(field + " is required");
        return value.trim();
    }
}
