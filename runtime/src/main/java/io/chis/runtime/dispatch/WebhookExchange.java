package io.chis.runtime.dispatch;

import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;

/** Makes a prepared request's HTTP exchange and judges it: every request comes out as an {@link Attempted}. */
public class WebhookExchange {

    private final WebhookClient client;

    public WebhookExchange(WebhookClient client) {
        this.client = client;
    }

    Mono<Attempted> exchange(Prepared prepared) {
        return switch (prepared) {
            case Prepared.Refused refused -> Mono.just(attempted(refused, 0, refused.rejection(), null));
            case Prepared.Request request -> post(request);
        };
    }

    /** The longest an exchange may take. */
    Duration timeout() {
        return client.timeout();
    }

    private Mono<Attempted> post(Prepared.Request request) {
        long start = System.nanoTime();
        var timeout = request.target().policy().timeout();
        AttemptTrace trace = AttemptTrace.start(request);
        return client.post(
                        request.url(),
                        trace.headers(request.headers()),
                        request.delivery().payload(),
                        timeout)
                .map(r -> attempted(
                        request,
                        millisSince(start),
                        AttemptOutcome.ofResponse(r.status(), r.location(), r.retryAfter(), r.refused(), Instant.now()),
                        r.body()))
                .onErrorResume(e -> Mono.just(attempted(
                        request, millisSince(start), AttemptOutcome.ofError(e, client.effective(timeout)), null)))
                .map(trace::end);
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    private static Attempted attempted(Prepared prepared, long durationMs, AttemptOutcome outcome, String body) {
        return new Attempted(prepared.delivery(), prepared.target(), prepared.at(), durationMs, outcome, body);
    }
}
