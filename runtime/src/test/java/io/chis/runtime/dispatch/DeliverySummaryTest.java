package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.queue.InMemoryWorkQueue;
import io.chis.runtime.queue.WorkQueue.Stats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The delivery log: a summary line only for a period with activity, and per-attempt lines without secrets. */
class DeliverySummaryTest {

    private static final UUID DELIVERY = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID ENDPOINT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");

    @Test
    void aPeriodWithActivityHasOneLineWithTheQueueAndItsCountsStartAgain() {
        InMemoryWorkQueue queue = new InMemoryWorkQueue();
        queue.enqueue(List.of(UUID.randomUUID(), UUID.randomUUID())).block();
        DeliverySummary summary = new DeliverySummary(queue);
        summary.delivered();
        summary.delivered();
        summary.failed();
        summary.dead();

        assertThat(summary.report().block())
                .isEqualTo("Deliveries in the last 30s: 2 delivered, 1 failed (to be retried), 1 dead-lettered;"
                        + " queue: 2 waiting, 0 in flight, 0 retries scheduled");
        assertThat(summary.report().blockOptional())
                .as("nothing happened since")
                .isEmpty();
    }

    @Test
    void aQuietPeriodLogsNothing() {
        assertThat(new DeliverySummary(new InMemoryWorkQueue()).report().blockOptional())
                .isEmpty();
    }

    @Test
    void theQueueNumbersAreLeftOutWhenTheyCannotBeRead() {
        assertThat(DeliverySummary.line(Duration.ofSeconds(30), 0, 3, 0, null))
                .isEqualTo("Deliveries in the last 30s: 0 delivered, 3 failed (to be retried), 0 dead-lettered");
        assertThat(DeliverySummary.line(Duration.ofSeconds(30), 1, 0, 0, new Stats(5, 2, 7)))
                .endsWith("queue: 3 waiting, 2 in flight, 7 retries scheduled");
    }

    @Test
    void aFailedAttemptNamesItsEndpointStatusAttemptAndNextTry() {
        assertThat(DeliverySummary.failedAttempt(
                        DELIVERY,
                        "https://hooks.example.com/in",
                        ENDPOINT,
                        3,
                        "HTTP 503",
                        Duration.ofMillis(30_250),
                        Instant.parse("2025-01-01T12:00:30.250Z")))
                .isEqualTo("Delivery " + DELIVERY + " to endpoint " + ENDPOINT
                        + " failed attempt 3: HTTP 503; next attempt in 30s (at 2025-01-01T12:00:30Z)");
    }

    @Test
    void aUrlSendIsNamedByItsHostAloneNotItsPathOrQuery() {
        assertThat(DeliverySummary.failedAttempt(
                        DELIVERY,
                        "https://user:pw@hooks.example.com/in?token=s3cret",
                        null,
                        1,
                        "ConnectException: Connection refused",
                        Duration.ofMillis(400),
                        Instant.parse("2025-01-01T12:00:00Z")))
                .contains("to host hooks.example.com failed attempt 1: ConnectException: Connection refused")
                .contains("next attempt in 400ms")
                .doesNotContain("s3cret")
                .doesNotContain("pw@");
        assertThat(DeliverySummary.destination("not a url", null)).isEqualTo("host ?");
    }

    @Test
    void aDeadLetterNamesMessageDestinationAndAttempts() {
        UUID message = UUID.randomUUID();
        assertThat(DeliverySummary.deadLettered(DELIVERY, message, "http://x", ENDPOINT, 5, "HTTP 500"))
                .isEqualTo("Delivery " + DELIVERY + " of message " + message + " to endpoint " + ENDPOINT
                        + " dead-lettered after 5 attempt(s): HTTP 500");
    }
}
