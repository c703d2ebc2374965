package io.chis.runtime.recovery;

import io.chis.runtime.apikey.ApiKeyHandler;
import io.chis.runtime.auth.Authenticator;
import io.chis.runtime.support.ApiException;
import io.chis.runtime.support.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /webhook/recover}: re-queue a time window of dead deliveries, and follow its progress (API key or JWT). */
public class RecoveryHandler {

    record RecoverBody(String since, String until, String endpointId) {}

    private final Authenticator auth;
    private final RecoveryService recoveries;

    public RecoveryHandler(Authenticator auth, RecoveryService recoveries) {
        this.auth = auth;
        this.recoveries = recoveries;
    }

    public Mono<ServerResponse> start(ServerRequest request) {
        return auth.apiKeyOrBearer(request)
                .flatMap(account -> Json.body(request, RecoverBody.class).flatMap(body -> {
                    Instant since = time(Json.required(body.since(), "since"), "since");
                    Instant until = body.until() == null || body.until().isBlank()
                            ? Instant.now()
                            : time(body.until().trim(), "until");
                    if (!until.isAfter(since)) throw ApiException.badRequest("until must be later than since");
                    UUID endpoint =
                            body.endpointId() == null || body.endpointId().isBlank()
                                    ? null
                                    : ApiKeyHandler.uuid(body.endpointId().trim(), "endpoint");
                    return recoveries.start(account, endpoint, since, until);
                }))
                .flatMap(started ->
                        ServerResponse.accepted().bodyValue(new RecoveryView.Started(started.id(), started.status())));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return auth.apiKeyOrBearer(request)
                .flatMap(
                        account -> recoveries.find(account, ApiKeyHandler.uuid(request.pathVariable("id"), "recovery")))
                .flatMap(recovery -> ServerResponse.ok().bodyValue(RecoveryView.of(recovery)));
    }

    private static Instant time(String text, String field) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + " must be an RFC 3339 time such as 2026-03-01T00:00:00Z");
        }
    }
}
