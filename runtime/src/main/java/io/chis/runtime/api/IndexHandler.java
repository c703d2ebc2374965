package io.chis.runtime.api;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** What a newcomer's first requests get: {@code /} lists where to go, a wrong method says which one is right. */
final class IndexHandler {

    private static final Map<String, Object> INDEX = Map.of(
            "name",
            "Chis",
            "links",
            Map.of(
                    "documentation", "README.md of the Chis repository: Quick start, Using the API",
                    "health", "/health",
                    "send", "POST /webhook/send",
                    "messages", "GET /webhook/messages"));

    private IndexHandler() {}

    static Mono<ServerResponse> index(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(INDEX);
    }

    /** 405 with the {@code Allow} header, as problem+json like every other error. */
    static Mono<ServerResponse> methodNotAllowed(ServerRequest request, HttpMethod allowed) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.METHOD_NOT_ALLOWED, request.path() + " takes " + allowed.name());
        problem.setInstance(URI.create(request.path()));
        return ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED)
                .allow(allowed)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem);
    }
}
