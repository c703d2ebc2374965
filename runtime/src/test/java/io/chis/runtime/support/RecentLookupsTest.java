package io.chis.runtime.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class RecentLookupsTest {

    final AtomicLong nanos = new AtomicLong();
    final AtomicInteger reads = new AtomicInteger();

    RecentLookups<String, String> lookups(boolean rememberAbsent) {
        return new RecentLookups<>(Duration.ofSeconds(5), 100, rememberAbsent, nanos::get);
    }

    Mono<String> row(String key) {
        return Mono.fromCallable(() -> {
            reads.incrementAndGet();
            return key.startsWith("known") ? "value of " + key : null;
        });
    }

    @Test
    void repeatedRequestsReadOnceUntilTheTimeToLivePasses() {
        RecentLookups<String, String> cache = lookups(true);
        for (int i = 0; i < 100; i++) {
            StepVerifier.create(cache.get("known.a", this::row))
                    .expectNext("value of known.a")
                    .verifyComplete();
        }
        assertThat(reads).hasValue(1);
        assertThat(cache.lookups()).isEqualTo(1);

        nanos.addAndGet(Duration.ofSeconds(5).toNanos() + 1);
        StepVerifier.create(cache.get("known.a", this::row))
                .expectNext("value of known.a")
                .verifyComplete();
        assertThat(reads).hasValue(2);
    }

    @Test
    void notFoundIsRememberedOnlyWhenAsked() {
        RecentLookups<String, String> remembering = lookups(true);
        for (int i = 0; i < 10; i++)
            StepVerifier.create(remembering.get("other", this::row)).verifyComplete();
        assertThat(reads).hasValue(1);

        reads.set(0);
        RecentLookups<String, String> forgetting = lookups(false);
        for (int i = 0; i < 10; i++)
            StepVerifier.create(forgetting.get("other", this::row)).verifyComplete();
        assertThat(reads).hasValue(10);
    }

    @Test
    void forgettingTakesEffectAtOnceEvenForALookupUnderWay() {
        RecentLookups<String, String> cache = lookups(true);
        Sinks.One<String> slowRead = Sinks.one();
        // a request reads the old row; meanwhile the row changes and this process forgets the key
        CompletableFuture<String> racing =
                cache.get("known.a", k -> slowRead.asMono()).toFuture();
        CompletableFuture<String> waitingToo = cache.get("known.a", this::row).toFuture();
        cache.forget("known.a");
        slowRead.tryEmitValue("old");
        // the requests already waiting get the old answer, which is not remembered
        assertThat(racing).isCompletedWithValue("old");
        assertThat(waitingToo).isCompletedWithValue("old");
        StepVerifier.create(cache.get("known.a", this::row))
                .expectNext("value of known.a")
                .verifyComplete();
        assertThat(cache.lookups()).isEqualTo(2);

        cache.forgetAll();
        StepVerifier.create(cache.get("known.a", this::row))
                .expectNext("value of known.a")
                .verifyComplete();
        assertThat(reads).hasValue(2);
    }

    @Test
    void concurrentMissesShareOneLookupAndAFailureIsNotRemembered() {
        RecentLookups<String, String> cache = lookups(true);
        Sinks.One<String> read = Sinks.one();
        CompletableFuture<String> first =
                cache.get("known.a", k -> read.asMono()).toFuture();
        CompletableFuture<String> second = cache.get("known.a", this::row).toFuture();
        read.tryEmitError(new IllegalStateException("database down"));
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
        assertThat(cache.lookups()).isEqualTo(1);

        StepVerifier.create(cache.get("known.a", this::row))
                .expectNext("value of known.a")
                .verifyComplete();
        assertThat(reads).hasValue(1);
    }
}
