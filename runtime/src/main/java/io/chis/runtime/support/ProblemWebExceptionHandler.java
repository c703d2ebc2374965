package io.chis.runtime.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/** Renders every error of the REST API as {@code application/problem+json} (RFC 9457); never a stack trace. */
@Order(-2)
public class ProblemWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);

    private final ObjectMapper json;

    public ProblemWebExceptionHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) return Mono.error(error);
        HttpStatusCode status;
        String detail;
        List<Violation> violations = null;
        switch (error) {
            case ApiException e -> {
                status = e.status();
                detail = e.getMessage();
                violations = e.violations();
            }
            case Throwable e
            when StoreOutage.is(e) -> {
                // no log line per request: StoreWatch logs the outage once when it begins and once when it ends
                status = HttpStatus.SERVICE_UNAVAILABLE;
                detail = "a store this request needs is unavailable; nothing was changed, try again";
            }
            case DataBufferLimitException e -> {
                status = HttpStatus.CONTENT_TOO_LARGE;
                detail = "request body is larger than this server accepts";
            }
            case ServerWebInputException e
            when hasCause(e, DecodingException.class) -> {
                status = HttpStatus.BAD_REQUEST;
                detail = "request body is not valid JSON for this route";
            }
            case ResponseStatusException e
            when e.getStatusCode().value() == 404 -> {
                status = e.getStatusCode();
                detail = "no route matches " + exchange.getRequest().getMethod() + " "
                        + exchange.getRequest().getPath();
            }
            case ResponseStatusException e -> {
                status = e.getStatusCode();
                detail = e.getReason() != null ? e.getReason() : reason(status);
            }
            default -> {
                status = HttpStatus.INTERNAL_SERVER_ERROR;
                detail = "internal error; the server log has the details";
                log.error(
                        "Unhandled error on {} {}",
                        exchange.getRequest().getMethod(),
                        exchange.getRequest().getPath(),
                        error);
            }
        }
        Problem problem = Problem.of(
                status.value(),
                reason(status),
                detail,
                exchange.getRequest().getPath().value(),
                violations);
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status.value() == 401) response.getHeaders().set("WWW-Authenticate", "Bearer");
        if (error instanceof ApiException e && e.retryAfter() != null) {
            response.getHeaders()
                    .set("Retry-After", String.valueOf(e.retryAfter().toSeconds()));
        } else if (status.value() == 503) {
            response.getHeaders().set("Retry-After", String.valueOf(StoreOutage.RETRY_AFTER_SECONDS));
        }
        byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static String reason(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error";
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}
