package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.dispatch.AttemptOutcome.Delivered;
import io.chis.runtime.dispatch.AttemptOutcome.Failed;
import io.chis.runtime.dispatch.AttemptOutcome.Rejected;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class AttemptOutcomeTest {

    private static final Instant NOW = Instant.parse("2026-11-05T10:00:00Z");

    @Test
    void onlyTwoHundredsDeliver() {
        assertThat(AttemptOutcome.ofResponse(200, null, null, null, NOW)).isEqualTo(new Delivered(200));
        assertThat(AttemptOutcome.ofResponse(204, null, null, null, NOW)).isEqualTo(new Delivered(204));
        assertThat(AttemptOutcome.ofResponse(299, null, null, null, NOW)).isInstanceOf(Delivered.class);
        assertThat(AttemptOutcome.ofResponse(199, null, null, null, NOW)).isInstanceOf(Failed.class);
        assertThat(AttemptOutcome.ofResponse(400, null, null, null, NOW)).isEqualTo(new Failed(400, "HTTP 400", null));
        assertThat(AttemptOutcome.ofResponse(500, null, null, null, NOW)).isEqualTo(new Failed(500, "HTTP 500", null));
    }

    @Test
    void redirectsAreFailuresThatNameWhereTheyPointed() {
        AttemptOutcome outcome = AttemptOutcome.ofResponse(302, "https://elsewhere.example/hook", null, null, NOW);
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(outcome.statusCode()).isEqualTo(302);
        assertThat(outcome.error()).contains("redirect", "https://elsewhere.example/hook", "not followed");
    }

    @Test
    void goneStopsRetrying() {
        assertThat(AttemptOutcome.ofResponse(410, null, null, null, NOW))
                .isInstanceOf(Rejected.class)
                .extracting(AttemptOutcome::statusCode)
                .isEqualTo(410);
    }

    @Test
    void chisRefusingALoopStopsRetryingButAnother422DoesNot() {
        AttemptOutcome loop = AttemptOutcome.ofResponse(422, null, null, "self-loop", NOW);
        assertThat(loop)
                .isInstanceOf(Rejected.class)
                .extracting(AttemptOutcome::statusCode)
                .isEqualTo(422);
        assertThat(loop.error()).contains("Chis send route").contains("loop");
        assertThat(AttemptOutcome.ofResponse(422, null, null, null, NOW)).isEqualTo(new Failed(422, "HTTP 422", null));
        assertThat(AttemptOutcome.ofResponse(500, null, null, "self-loop", NOW))
                .as("only the refusal itself")
                .isEqualTo(new Failed(500, "HTTP 500", null));
    }

    @Test
    void retryAfterIsReadOnTooManyRequestsAndUnavailableOnly() {
        assertThat(AttemptOutcome.ofResponse(429, null, "12", null, NOW))
                .isEqualTo(new Failed(429, "HTTP 429", Duration.ofSeconds(12)));
        assertThat(AttemptOutcome.ofResponse(503, null, "Thu, 05 Nov 2026 10:01:30 GMT", null, NOW))
                .isEqualTo(new Failed(503, "HTTP 503", Duration.ofSeconds(90)));
        assertThat(AttemptOutcome.ofResponse(500, null, "12", null, NOW)).isEqualTo(new Failed(500, "HTTP 500", null));
        assertThat(AttemptOutcome.ofResponse(429, null, "soon", null, NOW))
                .isEqualTo(new Failed(429, "HTTP 429", null));
        assertThat(AttemptOutcome.parseRetryAfter("Thu, 05 Nov 2026 09:00:00 GMT", NOW))
                .isEqualTo(Duration.ZERO);
        assertThat(AttemptOutcome.parseRetryAfter("-3", NOW)).isNull();
    }

    @Test
    void errorsWithoutAResponseAreRetriedExceptRefusedTargets() {
        Duration timeout = Duration.ofSeconds(30);
        AttemptOutcome timedOut = AttemptOutcome.ofError(new TimeoutException("Did not observe any item"), timeout);
        assertThat(timedOut).isInstanceOf(Failed.class);
        assertThat(timedOut.error()).contains("timeout", "30000 ms");
        assertThat(AttemptOutcome.ofError(ReadTimeoutException.INSTANCE, timeout)
                        .error())
                .contains("timeout");

        AttemptOutcome refusedConnection = AttemptOutcome.ofError(
                new RuntimeException("wrapped", new ConnectException("Connection refused")), timeout);
        assertThat(refusedConnection).isInstanceOf(Failed.class);
        assertThat(refusedConnection.error()).isEqualTo("ConnectException: Connection refused");

        AttemptOutcome guarded = AttemptOutcome.ofError(
                new RuntimeException("wrapped", new TargetRefusedException("refused to connect to 10.0.0.1")), timeout);
        assertThat(guarded).isEqualTo(new Rejected(null, "refused to connect to 10.0.0.1"));
    }
}
