package io.chis.runtime.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * The work queue in one process's memory, with the same contract as {@link RedisWorkQueue}: entries leased until
 * acknowledged, taken over by any consumer after the claim timeout, scheduled ids moved when due. For unit tests
 * of the stages around the queue; the clock is passed in so a test can let a lease run out without waiting.
 */
public final class InMemoryWorkQueue implements WorkQueue {

    private record Lease(Entry entry, String consumer, Instant at) {}

    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final Map<String, Lease> leased = new LinkedHashMap<>();
    private final Map<UUID, Instant> scheduled = new HashMap<>();
    private final Map<String, Instant> lastSeen = new HashMap<>();

    public InMemoryWorkQueue() {
        this(Clock.systemUTC());
    }

    public InMemoryWorkQueue(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<Void> enqueue(Collection<UUID> deliveryIds) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                deliveryIds.forEach(this::append);
                notifyAll();
            }
        });
    }

    private void append(UUID deliveryId) {
        ready.add(new Entry(String.valueOf(sequence.incrementAndGet()), deliveryId, 1));
    }

    @Override
    public Mono<Void> schedule(UUID deliveryId, Instant due) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                scheduled.put(deliveryId, due);
            }
        });
    }

    @Override
    public Mono<Long> moveDue(Instant now, int limit) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                List<UUID> due = scheduled.entrySet().stream()
                        .filter(e -> !e.getValue().isAfter(now))
                        .sorted(Map.Entry.comparingByValue())
                        .limit(limit)
                        .map(Map.Entry::getKey)
                        .toList();
                due.forEach(id -> {
                    scheduled.remove(id);
                    append(id);
                });
                notifyAll();
                return (long) due.size();
            }
        });
    }

    @Override
    public Mono<Set<UUID>> queued(Collection<UUID> deliveryIds) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Set<UUID> queued = new HashSet<>();
                ready.forEach(e -> queued.add(e.deliveryId()));
                leased.values().forEach(l -> queued.add(l.entry().deliveryId()));
                queued.retainAll(Set.copyOf(deliveryIds));
                return queued;
            }
        });
    }

    @Override
    public Mono<Stats> stats() {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                return new Stats(ready.size() + leased.size(), leased.size(), scheduled.size());
            }
        });
    }

    @Override
    public Mono<Long> pruneDeparted(Duration idle) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Instant before = clock.instant().minus(idle);
                List<String> departed = lastSeen.entrySet().stream()
                        .filter(e -> e.getValue().isBefore(before))
                        .map(Map.Entry::getKey)
                        .filter(name -> leased.values().stream()
                                .noneMatch(l -> l.consumer().equals(name)))
                        .toList();
                departed.forEach(lastSeen::remove);
                return (long) departed.size();
            }
        });
    }

    @Override
    public WorkQueue.Consumer consumer(String name, Duration claimTimeout) {
        return new Consumer(name, claimTimeout);
    }

    private final class Consumer implements WorkQueue.Consumer {

        private final String name;
        private final Duration claimTimeout;

        Consumer(String name, Duration claimTimeout) {
            this.name = name;
            this.claimTimeout = claimTimeout;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Entry> receive(int max, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            synchronized (InMemoryWorkQueue.this) {
                lastSeen.put(name, clock.instant());
                List<Entry> batch = takeOverStalled(max);
                try {
                    while (batch.isEmpty() && ready.isEmpty() && System.nanoTime() < deadline) {
                        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                        InMemoryWorkQueue.this.wait(Math.max(1, left));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return batch;
                }
                if (batch.isEmpty()) {
                    while (batch.size() < max && !ready.isEmpty()) batch.add(ready.poll());
                }
                Instant now = clock.instant();
                batch.forEach(entry -> leased.put(entry.id(), new Lease(entry, name, now)));
                return batch;
            }
        }

        // Like XAUTOCLAIM: leases idle past the claim timeout, whoever holds them, pass to this consumer, their
        // delivery count one higher.
        private List<Entry> takeOverStalled(int max) {
            Instant before = clock.instant().minus(claimTimeout);
            return new ArrayList<>(leased.values().stream()
                    .filter(l -> !l.at().isAfter(before))
                    .sorted(Comparator.comparing(Lease::at))
                    .limit(max)
                    .map(l -> new Entry(
                            l.entry().id(), l.entry().deliveryId(), l.entry().deliveries() + 1))
                    .toList());
        }

        @Override
        public Mono<Void> ack(Entry entry) {
            return Mono.fromRunnable(() -> {
                synchronized (InMemoryWorkQueue.this) {
                    leased.remove(entry.id());
                }
            });
        }

        @Override
        public void close() {}
    }
}
