package io.chis.runtime.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class GroupCommitTest {

    @Test
    void writesAtOnceWhenFreeAndBatchesWhatArrivesMeanwhile() {
        List<List<Integer>> writes = new ArrayList<>();
        Sinks.One<Void> firstDone = Sinks.one();
        GroupCommit<Integer, String> commits = new GroupCommit<>(
                batch -> {
                    writes.add(batch);
                    Mono<Void> gate = writes.size() == 1 ? firstDone.asMono() : Mono.empty();
                    return gate.thenReturn(batch.stream().map(i -> "r" + i).toList());
                },
                10,
                1);

        List<String> results = new ArrayList<>();
        commits.submit(1).subscribe(results::add);
        commits.submit(2).subscribe(results::add);
        commits.submit(3).subscribe(results::add);
        assertThat(writes).containsExactly(List.of(1));
        assertThat(results).isEmpty(); // nobody is answered before their write has finished

        firstDone.tryEmitEmpty();
        assertThat(writes).containsExactly(List.of(1), List.of(2, 3));
        assertThat(results).containsExactly("r1", "r2", "r3");
    }

    @Test
    void nullResultsCompleteEmptyAndErrorsReachEveryItemOfTheBatch() {
        GroupCommit<Integer, String> emptyResults =
                new GroupCommit<>(batch -> Mono.just(java.util.Arrays.asList((String) null)), 10, 2);
        StepVerifier.create(emptyResults.submit(1)).verifyComplete();

        GroupCommit<Integer, String> failing =
                new GroupCommit<>(batch -> Mono.error(new IllegalStateException("down")), 10, 2);
        StepVerifier.create(failing.submit(1)).expectErrorMessage("down").verify();
        StepVerifier.create(failing.submit(2)).expectErrorMessage("down").verify();
    }

    @Test
    void splitsBatchesAtTheLimit() {
        List<List<Integer>> writes = new ArrayList<>();
        Sinks.One<Void> firstDone = Sinks.one();
        GroupCommit<Integer, Integer> commits = new GroupCommit<>(
                batch -> {
                    writes.add(batch);
                    return (writes.size() == 1 ? firstDone.asMono() : Mono.<Void>empty()).thenReturn(batch);
                },
                2,
                1);
        for (int i = 1; i <= 5; i++) commits.submit(i).subscribe();
        firstDone.tryEmitEmpty();
        assertThat(writes).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5));
    }

    @Test
    void aFailedBatchIsWrittenAgainItemByItemSoOnlyTheBadItemFails() {
        List<List<Integer>> writes = new ArrayList<>();
        Sinks.One<Void> firstDone = Sinks.one();
        GroupCommit<Integer, String> commits = new GroupCommit<>(
                batch -> {
                    writes.add(batch);
                    Mono<Void> gate = writes.size() == 1 ? firstDone.asMono() : Mono.empty();
                    return gate.then(
                            batch.contains(3)
                                    ? Mono.error(new IllegalStateException("bad 3"))
                                    : Mono.just(batch.stream().map(i -> "r" + i).toList()));
                },
                10,
                1);

        List<String> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 1; i <= 4; i++) commits.submit(i).subscribe(results::add, e -> errors.add(e.getMessage()));
        firstDone.tryEmitEmpty();

        assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4), List.of(2), List.of(3), List.of(4));
        assertThat(results).containsExactly("r1", "r2", "r4");
        assertThat(errors).containsExactly("bad 3");
    }

    @Test
    void aFullQueueRefusesAtOnceAndACallerThatHasGoneIsNeverWritten() {
        List<List<Integer>> writes = new ArrayList<>();
        Sinks.One<Void> firstDone = Sinks.one();
        GroupCommit<Integer, Integer> commits = new GroupCommit<>(
                batch -> {
                    writes.add(batch);
                    return (writes.size() == 1 ? firstDone.asMono() : Mono.<Void>empty()).thenReturn(batch);
                },
                10,
                1,
                2);
        List<Integer> results = new ArrayList<>();
        commits.submit(1).subscribe(results::add); // being written
        var gone = commits.submit(2).subscribe(results::add); // waits
        commits.submit(3).subscribe(results::add); // waits: the queue is now full
        StepVerifier.create(commits.submit(4))
                .expectError(GroupCommit.Full.class)
                .verify();

        gone.dispose(); // its caller's deadline passed
        firstDone.tryEmitEmpty();
        assertThat(writes).containsExactly(List.of(1), List.of(3));
        assertThat(results).containsExactly(1, 3);
    }

    @Test
    void aCallerGoneWhileItsBatchIsWrittenCancelsTheWriteAndTheOthersAreWrittenWithoutIt() {
        List<List<Integer>> writes = new ArrayList<>();
        List<List<Integer>> cancelledWrites = new ArrayList<>();
        Sinks.One<Void> firstDone = Sinks.one();
        Sinks.One<Void> never = Sinks.one();
        GroupCommit<Integer, String> commits = new GroupCommit<>(
                batch -> {
                    writes.add(batch);
                    Mono<Void> gate = switch (writes.size()) {
                        case 1 -> firstDone.asMono();
                        case 2 -> never.asMono(); // the store stalls
                        default -> Mono.empty();
                    };
                    return gate.thenReturn(batch.stream().map(i -> "r" + i).toList())
                            .doOnCancel(() -> cancelledWrites.add(batch));
                },
                10,
                1);
        List<String> results = new ArrayList<>();
        commits.submit(0).subscribe(results::add); // holds the only writer
        var gone = commits.submit(1).subscribe(results::add);
        commits.submit(2).subscribe(results::add);
        firstDone.tryEmitEmpty(); // 0 written; 1 and 2 go together into a write that stalls
        assertThat(writes).containsExactly(List.of(0), List.of(1, 2));

        gone.dispose(); // 1's caller has gone while its batch is being written
        assertThat(cancelledWrites).containsExactly(List.of(1, 2));
        assertThat(writes).containsExactly(List.of(0), List.of(1, 2), List.of(2));
        assertThat(results).containsExactly("r0", "r2");
    }
}
