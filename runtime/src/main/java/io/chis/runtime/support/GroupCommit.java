package io.chis.runtime.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit for one-item writes (PostgreSQL rows, Redis acknowledgements): an item is written at once when a
 * writer is free, and items arriving while {@code maxInFlight} writes are under way wait and go together in the next
 * one (at most {@code maxBatch} each). No timer: an idle system adds no delay. A caller's Mono completes only after
 * the write holding its item has finished, with that item's result (empty for a null result), so nothing is
 * acknowledged early; under load one statement (and one WAL flush) serves many items. The write must be all or
 * nothing (one statement): when a batch fails, its items are written again one by one, so one bad item (say, a
 * delivery to an endpoint deleted meanwhile) fails alone instead of taking its neighbours with it.
 *
 * <p>The queue is bounded: a submission finding {@code capacity} items waiting fails at once with {@link Full}
 * rather than piling payloads up in memory while the store stalls. A submission whose caller has gone (its Mono
 * cancelled: a gRPC deadline passed, a client hung up) leaves the queue and is never written; if its batch is being
 * written already, that write is cancelled (a transactional write rolls back) and the batch's other items go back to
 * the front of the queue, so nobody is told "nothing was accepted" about an item committed later.
 *
 * @param <T> what is written
 * @param <R> the result for one item
 */
public final class GroupCommit<T, R> {

    /** The queue is full: the store is not keeping up; the caller should answer "try again later". */
    public static final class Full extends RuntimeException {
        Full(int capacity) {
            super(capacity + " items are already waiting to be written", null, false, false);
        }
    }

    private static final int DEFAULT_CAPACITY = 4096;

    private record Waiting<T, R>(T item, MonoSink<R> sink, boolean alone) {}

    /** A batch being written; {@code settled} once its outcome is delivered or it was cancelled. */
    private static final class Write<T, R> {
        final List<Waiting<T, R>> batch;
        Disposable subscription;
        boolean settled;
        boolean cancelled;

        Write(List<Waiting<T, R>> batch) {
            this.batch = batch;
        }
    }

    private final Function<List<T>, Mono<List<R>>> write;
    private final int maxBatch;
    private final int maxInFlight;
    private final int capacity;
    private final ArrayDeque<Waiting<T, R>> queue = new ArrayDeque<>();
    private final Map<MonoSink<R>, Write<T, R>> writing = new IdentityHashMap<>();
    private int inFlight;

    /** @param write writes a batch in one statement and returns one result per item, in order (null for none) */
    public GroupCommit(Function<List<T>, Mono<List<R>>> write, int maxBatch, int maxInFlight) {
        this(write, maxBatch, maxInFlight, DEFAULT_CAPACITY);
    }

    /** @param capacity how many items may wait for a writer; more fail at once with {@link Full} */
    public GroupCommit(Function<List<T>, Mono<List<R>>> write, int maxBatch, int maxInFlight, int capacity) {
        this.write = write;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.capacity = capacity;
    }

    public Mono<R> submit(T item) {
        return Mono.create(sink -> {
            Waiting<T, R> waiting = new Waiting<>(item, sink, false);
            synchronized (this) {
                if (queue.size() >= capacity) {
                    sink.error(new Full(capacity));
                    return;
                }
                queue.add(waiting);
            }
            // a caller that has gone before its batch starts is not written at all
            sink.onCancel(() -> cancelled(sink));
            flush();
        });
    }

    private void cancelled(MonoSink<R> sink) {
        Write<T, R> write;
        synchronized (this) {
            queue.removeIf(w -> w.sink() == sink); // also its "alone" copy after a failed batch
            write = writing.get(sink);
            if (write == null || write.settled) return;
            // its batch is being written: cancel that write, and the others wait for the next one
            write.settled = true;
            write.cancelled = true;
            List<Waiting<T, R>> batch = write.batch;
            for (int i = batch.size() - 1; i >= 0; i--) {
                writing.remove(batch.get(i).sink());
                if (batch.get(i).sink() != sink) queue.addFirst(batch.get(i));
            }
        }
        if (write.subscription != null) write.subscription.dispose();
    }

    private void flush() {
        while (startWrite()) {
            // as many writes as may run at once
        }
    }

    /** Starts the next write if a writer is free and items wait; false when it did not. */
    private boolean startWrite() {
        List<Waiting<T, R>> batch;
        synchronized (this) {
            if (inFlight >= maxInFlight || queue.isEmpty()) return false;
            inFlight++;
            batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
            batch.add(queue.poll());
            while (!batch.getFirst().alone()
                    && !queue.isEmpty()
                    && !queue.peek().alone()
                    && batch.size() < maxBatch) {
                batch.add(queue.poll());
            }
        }
        Write<T, R> current = new Write<>(batch);
        synchronized (this) {
            batch.forEach(w -> writing.put(w.sink(), current));
        }
        Mono<List<R>> written;
        try {
            written = write.apply(batch.stream().map(Waiting::item).toList());
        } catch (RuntimeException e) {
            written = Mono.error(e);
        }
        Disposable subscription = written.defaultIfEmpty(List.of())
                .onErrorResume(error -> batch.size() > 1, error -> {
                    synchronized (this) {
                        if (!settle(current)) return Mono.empty();
                        for (int i = batch.size() - 1; i >= 0; i--) {
                            queue.addFirst(new Waiting<>(
                                    batch.get(i).item(), batch.get(i).sink(), true));
                        }
                    }
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    synchronized (this) {
                        inFlight--;
                    }
                    flush();
                })
                .subscribe(
                        results -> {
                            synchronized (this) {
                                if (!settle(current)) return;
                            }
                            for (int i = 0; i < batch.size(); i++) {
                                R result = i < results.size() ? results.get(i) : null;
                                if (result == null) batch.get(i).sink().success();
                                else batch.get(i).sink().success(result);
                            }
                        },
                        error -> {
                            synchronized (this) {
                                if (!settle(current)) return;
                            }
                            batch.forEach(w -> w.sink().error(error));
                        });
        boolean cancelledMeanwhile;
        synchronized (this) {
            current.subscription = subscription;
            cancelledMeanwhile = current.cancelled;
        }
        if (cancelledMeanwhile) subscription.dispose();
        return true;
    }

    /** Takes the write's outcome for its callers; false when a cancellation took it first. Holds the lock. */
    private boolean settle(Write<T, R> write) {
        if (write.settled) return false;
        write.settled = true;
        write.batch.forEach(w -> writing.remove(w.sink()));
        return true;
    }
}
