package io.chis.runtime.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class BackoffTest {

    @Test
    void doublesFromAHundredMillisecondsToFiveSecondsAndStartsOverAfterASuccess() {
        Backoff backoff = new Backoff();
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(200));
        for (int i = 0; i < 10; i++) backoff.failed();
        assertThat(backoff.failed()).isEqualTo(Duration.ofSeconds(5));
        backoff.succeeded();
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void retriesOnlyWhileAStoreIsUnavailable() {
        AtomicInteger tries = new AtomicInteger();
        Mono<String> flaky = Mono.defer(() -> tries.incrementAndGet() < 3
                ? Mono.error(new ConnectException("connection refused"))
                : Mono.just("claimed"));
        StepVerifier.create(flaky.retryWhen(Backoff.whileUnavailable(Duration.ofSeconds(30))))
                .expectNext("claimed")
                .verifyComplete();
        assertThat(tries).hasValue(3);

        AtomicInteger bugs = new AtomicInteger();
        Mono<String> bug = Mono.defer(() -> {
            bugs.incrementAndGet();
            return Mono.error(new IllegalStateException("a bug"));
        });
        StepVerifier.create(bug.retryWhen(Backoff.whileUnavailable(Duration.ofSeconds(30))))
                .expectErrorMessage("a bug")
                .verify();
        assertThat(bugs).hasValue(1);
    }
}
