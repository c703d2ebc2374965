package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chis.runtime.config.DeliverySettings;
import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.queue.InMemoryWorkQueue;
import io.chis.runtime.queue.MutableClock;
import io.chis.runtime.queue.WorkQueue.Stats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The worker's loop over the in-memory queue: read, claim, attempt, acknowledge; take over what stalled. */
class WorkerTest {

    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock();
    private final InMemoryWorkQueue queue = new InMemoryWorkQueue(clock);
    private final Recorder attempts = new Recorder();
    private Worker worker;

    /** Claims every delivery it is asked for; records each attempt and answers it with {@link #answer}. */
    static final class Recorder implements Attempts {
        final List<UUID> claimed = new CopyOnWriteArrayList<>();
        final List<UUID> attempted = new CopyOnWriteArrayList<>();
        final List<UUID> unclaimed = new CopyOnWriteArrayList<>();
        final Map<UUID, Slot> slots = new ConcurrentHashMap<>();
        volatile Function<UUID, Mono<Void>> answer = id -> Mono.empty();

        @Override
        public Mono<Map<UUID, Claimed>> claim(List<UUID> deliveryIds) {
            claimed.addAll(deliveryIds);
            return Mono.just(deliveryIds.stream().collect(Collectors.toMap(id -> id, WorkerTest::claimed)));
        }

        @Override
        public Mono<Void> attempt(UUID deliveryId, Claimed claimed, Slot slot) {
            if (claimed == null) {
                unclaimed.add(deliveryId);
                return Mono.empty();
            }
            slots.put(deliveryId, slot);
            attempted.add(deliveryId);
            return Mono.defer(() -> answer.apply(deliveryId));
        }

        final Map<UUID, String> gaveUp = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> giveUp(Claimed claimed, String reason) {
            return Mono.fromRunnable(() -> gaveUp.put(claimed.id(), reason));
        }
    }

    static Claimed claimed(UUID id) {
        return new Claimed(
                id,
                UUID.randomUUID(),
                "http://x",
                null,
                0,
                0,
                new byte[0],
                null,
                List.of(),
                Instant.EPOCH,
                false,
                null,
                null);
    }

    private void start(int concurrency) {
        var settings = new DeliverySettings(
                concurrency,
                concurrency,
                Duration.ofSeconds(10),
                CLAIM_TIMEOUT,
                Duration.ZERO,
                Duration.ofMillis(200),
                Duration.ofSeconds(15),
                Duration.ofSeconds(60),
                null,
                DeliverySettings.DEFAULTS.dbPoolSize(),
                DeliverySettings.DEFAULTS.retention(),
                DeliverySettings.DEFAULTS.endpointDisableAfter());
        worker = new Worker(queue, attempts, settings, new SimpleMeterRegistry());
        worker.start();
    }

    @AfterEach
    void stop() {
        if (worker != null) worker.stop();
    }

    private Stats stats() {
        return queue.stats().block();
    }

    @Test
    void aDeliveryIsReadAttemptedAndAcknowledged() {
        start(4);
        UUID id = UUID.randomUUID();
        queue.enqueue(List.of(id)).block();

        await().atMost(WAIT).until(() -> stats().queued() == 0);
        assertThat(attempts.attempted).containsExactly(id);
        assertThat(stats()).isEqualTo(new Stats(0, 0, 0));
    }

    @Test
    void anAttemptThatFailedIsTakenOverAfterTheClaimTimeoutAndNotBefore() {
        start(4);
        UUID id = UUID.randomUUID();
        attempts.answer = failingOnce -> {
            attempts.answer = later -> Mono.empty();
            return Mono.error(new IllegalStateException("PostgreSQL went away"));
        };
        queue.enqueue(List.of(id)).block();
        await().atMost(WAIT).until(() -> attempts.attempted.size() == 1);
        assertThat(stats().leased()).as("left unacknowledged").isEqualTo(1);

        clock.advance(CLAIM_TIMEOUT.minusSeconds(1));
        await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> attempts.attempted.size() == 1);

        clock.advance(Duration.ofSeconds(2));
        await().atMost(WAIT).until(() -> stats().queued() == 0);
        assertThat(attempts.attempted).containsExactly(id, id);
    }

    @Test
    void aDeliveryThatFailsOnEveryTakeOverIsGivenUpWithTheReasonAfterTheThreshold() {
        start(4);
        UUID id = UUID.randomUUID();
        attempts.answer = always -> Mono.error(new IllegalArgumentException("Illegal base64 character"));
        queue.enqueue(List.of(id)).block();
        for (int tries = 1; tries < Worker.POISON_AFTER; tries++) {
            int seen = tries;
            await().atMost(WAIT).until(() -> attempts.attempted.size() == seen);
            assertThat(attempts.gaveUp).isEmpty();
            assertThat(stats().leased()).as("left for a takeover").isEqualTo(1);
            clock.advance(CLAIM_TIMEOUT.plusSeconds(1));
        }
        await().atMost(WAIT).until(() -> stats().queued() == 0);
        assertThat(attempts.attempted).hasSize(Worker.POISON_AFTER);
        assertThat(attempts.gaveUp.get(id))
                .contains("failed on " + Worker.POISON_AFTER + " tries")
                .contains("Illegal base64 character");
    }

    @Test
    void aDeliveryQueuedTwiceInOneBatchIsAttemptedOnceAndBothEntriesAcknowledged() {
        UUID id = UUID.randomUUID();
        queue.enqueue(List.of(id, id)).block();
        start(4);

        await().atMost(WAIT).until(() -> stats().queued() == 0);
        assertThat(attempts.claimed).containsExactly(id);
        assertThat(attempts.attempted).containsExactly(id);
        assertThat(attempts.unclaimed).containsExactly(id);
    }

    @Test
    void neverMoreAttemptsInFlightThanTheConcurrencyAndTheRestWaitsInTheQueue() {
        Map<UUID, Sinks.Empty<Void>> held = new ConcurrentHashMap<>();
        attempts.answer = id -> held.computeIfAbsent(id, any -> Sinks.empty()).asMono();
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        queue.enqueue(ids).block();
        start(2);

        await().atMost(WAIT).until(() -> held.size() == 2);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> held.size() == 2);
        assertThat(stats()).isEqualTo(new Stats(4, 2, 0));

        held.values().forEach(Sinks.Empty::tryEmitEmpty);
        await().atMost(WAIT).until(() -> held.size() == 4);
        held.values().forEach(Sinks.Empty::tryEmitEmpty);
        await().atMost(WAIT).until(() -> stats().queued() == 0);
        assertThat(attempts.attempted).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aDeliveryWaitingForItsHostGivesItsSlotBackAndAtMostTheConcurrencyWait() {
        Map<UUID, Sinks.Empty<Void>> held = new ConcurrentHashMap<>();
        Map<UUID, Boolean> parked = new ConcurrentHashMap<>();
        attempts.answer = id -> {
            Slot slot = attempts.slots.get(id);
            // parked for its endpoint, then for its host: the second park keeps the one parking place
            parked.put(id, slot.park() && slot.park());
            return held.computeIfAbsent(id, any -> Sinks.empty()).asMono();
        };
        queue.enqueue(List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()))
                .block();
        start(1);

        // the first parks and frees the only slot; the second cannot park (one may wait) and keeps the slot
        await().atMost(WAIT).until(() -> held.size() == 2);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> held.size() == 2);
        UUID waiting = attempts.attempted.get(0);
        UUID holding = attempts.attempted.get(1);
        assertThat(parked).containsEntry(waiting, true).containsEntry(holding, false);

        held.get(waiting).tryEmitEmpty();
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> held.size() == 2);
        held.get(holding).tryEmitEmpty();
        await().atMost(WAIT).until(() -> held.size() == 3);
        assertThat(parked.get(attempts.attempted.get(2)))
                .as("the parking place was given back")
                .isTrue();
        held.values().forEach(Sinks.Empty::tryEmitEmpty);
        await().atMost(WAIT).until(() -> stats().queued() == 0);
    }

    @Test
    void aRetryScheduledForLaterIsAttemptedOnceMovedWhenDue() {
        start(4);
        UUID id = UUID.randomUUID();
        Instant due = clock.instant().plusSeconds(8);
        queue.schedule(id, due).block();

        assertThat(queue.moveDue(clock.instant(), 10).block()).isZero();
        assertThat(queue.moveDue(due, 10).block()).isEqualTo(1);
        await().atMost(WAIT).until(() -> stats().queued() == 0);
        assertThat(attempts.attempted).containsExactly(id);
        assertThat(stats().scheduled()).isZero();
    }
}
