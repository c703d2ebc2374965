package io.chis.runtime.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * The queue of delivery ids between the stages: producers {@link #enqueue} ids for an attempt now or
 * {@link #schedule} one for later, workers {@link #consumer join} it to lease ids and acknowledge them, the
 * scheduler moves due ids forward and keeps it tidy. Only ids travel through the queue; PostgreSQL holds
 * everything else, so whatever the queue loses can be queued again from there. {@link RedisWorkQueue} is the one
 * the runtime runs; {@link InMemoryWorkQueue} serves unit tests.
 */
public interface WorkQueue {

    /** Queues the deliveries for an attempt now. */
    Mono<Void> enqueue(Collection<UUID> deliveryIds);

    /** Queues the delivery's next attempt for {@code due}; scheduling it again only moves its due time. */
    Mono<Void> schedule(UUID deliveryId, Instant due);

    /** Queues up to {@code limit} deliveries scheduled by {@code now} for an attempt; returns how many moved. */
    Mono<Long> moveDue(Instant now, int limit);

    /**
     * Which of these deliveries have an entry in the queue, waiting or leased (the sweep leaves those alone: their
     * entry comes to a worker, or is taken over, without another).
     */
    Mono<Set<UUID>> queued(Collection<UUID> deliveryIds);

    /** How many entries the queue holds, for the gauges. */
    Mono<Stats> stats();

    /**
     * Forgets consumers idle longer than {@code idle} that hold nothing (their worker is gone and its entries were
     * taken over); returns how many.
     */
    Mono<Long> pruneDeparted(Duration idle);

    /**
     * Joins the queue as a worker named {@code name}. Entries another consumer leased and did not acknowledge
     * within {@code claimTimeout} are taken over by the next {@link Consumer#receive}.
     */
    Consumer consumer(String name, Duration claimTimeout);

    /** One worker's side of the queue; used from one reading thread, except {@link #ack}, which any thread may call. */
    interface Consumer extends AutoCloseable {

        String name();

        /**
         * Leases up to {@code max} entries: stalled ones taken over first, else new ones, waiting up to {@code wait}
         * for them. Blocks; an empty list when none came. A failure of the backend is thrown.
         */
        List<Entry> receive(int max, Duration wait);

        /** Done with the entry: it leaves the queue. */
        Mono<Void> ack(Entry entry);

        @Override
        void close();
    }

    /**
     * A leased queue entry: the backend's {@code id} for acknowledging it, the delivery it stands for, and how many
     * times it has been leased (1 the first time; each takeover adds one), which bounds a delivery that fails
     * between its claim and its record.
     */
    record Entry(String id, UUID deliveryId, long deliveries) {}

    /**
     * @param queued    entries waiting for a worker or leased by one
     * @param leased    entries leased by a worker and not yet acknowledged
     * @param scheduled deliveries waiting for a later attempt
     */
    record Stats(long queued, long leased, long scheduled) {}
}
