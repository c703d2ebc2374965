package io.chis.runtime.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.queue.InMemoryWorkQueue;
import io.chis.runtime.queue.WorkQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Moving due retries, over the in-memory queue (the sweep needs PostgreSQL: SchedulerIT). */
class SchedulerTest {

    private final InMemoryWorkQueue queue = new InMemoryWorkQueue();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Scheduler scheduler =
            new Scheduler(queue, null, null, DeliverySettings.DEFAULTS, null, null, registry);

    @Test
    void dueRetriesAreMovedInBatchesUntilNoneIsDueAndLaterOnesWait() {
        Instant now = Instant.now();
        for (int i = 0; i < 1201; i++)
            queue.schedule(UUID.randomUUID(), now.minusMillis(i)).block();
        UUID later = UUID.randomUUID();
        queue.schedule(later, now.plusSeconds(3600)).block();

        assertThat(scheduler.moveDueRetries().block()).isEqualTo(1201L);

        assertThat(queue.stats().block()).isEqualTo(new WorkQueue.Stats(1201, 0, 1));
        assertThat(registry.get("chis.retries.queued").counter().count()).isEqualTo(1201.0);
        assertThat(scheduler.moveDueRetries().block()).isZero();
    }
}
