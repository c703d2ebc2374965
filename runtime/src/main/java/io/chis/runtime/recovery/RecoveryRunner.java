package io.chis.runtime.recovery;

import io.chis.runtime.operational.OperationalEvents;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.recovery.RecoveryRepository.Requeued;
import io.chis.runtime.schedule.Scheduler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Runs bulk recoveries in the scheduler role: one batch per tick, so a large window is re-queued at a steady pace
 * rather than at once. Deliveries are queued after their batch commits; if that enqueue fails, the sweep queues
 * them (they are pending in PostgreSQL). Several schedulers never run the same recovery at once.
 */
public class RecoveryRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RecoveryRunner.class);
    public static final int BATCH = 200;

    private final RecoveryService recoveries;
    private final WorkQueue queue;
    private final OperationalEvents operational;
    private final Duration tick;
    private final int batchSize;
    private Disposable task;

    public RecoveryRunner(
            RecoveryService recoveries, WorkQueue queue, OperationalEvents operational, Duration tick, int batchSize) {
        this.recoveries = recoveries;
        this.queue = queue;
        this.operational = operational;
        this.tick = tick;
        this.batchSize = batchSize;
    }

    @Override
    public void start() {
        task = Scheduler.every(tick, "running recoveries", this::step);
    }

    @Override
    public void stop() {
        if (task != null) task.dispose();
        task = null;
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }

    /** Re-queues one batch of the oldest running recovery, if there is one. */
    Mono<Void> step() {
        return recoveries.nextBatch(batchSize).flatMap(batch -> {
            boolean done = batch.requeued().size() < batchSize;
            long requeued = batch.recovery().requeued() + batch.requeued().size();
            if (done)
                log.info(
                        "Recovery {} done: {} dead deliveries re-queued",
                        batch.recovery().id(),
                        requeued);
            return queue.enqueue(batch.requeued().stream().map(Requeued::id).toList())
                    .onErrorResume(e -> {
                        log.warn(
                                "Queueing {} recovered deliveries failed ({}); the sweep will queue them",
                                batch.requeued().size(),
                                e.toString());
                        return Mono.empty();
                    })
                    .then(done ? operational.recoveryDone(batch.recovery(), requeued) : Mono.empty());
        });
    }
}
