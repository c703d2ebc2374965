package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The per-host cap: places, the wait for a handed-over place, and how long a busy host's deliveries stay away. */
class HostGateTest {

    private static final String HOST = "tarpit.example";
    private static final Duration WAIT = Duration.ofMillis(300);

    private final AtomicLong now = new AtomicLong();
    private final HostGate gate = new HostGate(2, WAIT, Duration.ofSeconds(30), now::get);
    private final AtomicInteger parked = new AtomicInteger();
    private final Slot parks = () -> {
        parked.incrementAndGet();
        return true;
    };

    @Test
    void theCapIsPerHost() {
        StepVerifier.create(gate.enter(HOST, parks)).expectNext(true).verifyComplete();
        StepVerifier.create(gate.enter(HOST, parks)).expectNext(true).verifyComplete();
        StepVerifier.create(gate.enter("other.example", parks)).expectNext(true).verifyComplete();
        assertThat(gate.inFlight(HOST)).isEqualTo(2);
        assertThat(parked).as("nobody had to wait").hasValue(0);
    }

    @Test
    void aWaitingDeliveryGetsThePlaceOfTheNextRequestThatEnds() {
        fill();
        StepVerifier.create(gate.enter(HOST, parks))
                .then(() -> assertThat(parked)
                        .as("its worker slot is given back while it waits")
                        .hasValue(1))
                .then(() -> gate.leave(HOST))
                .expectNext(true)
                .verifyComplete();
        assertThat(gate.inFlight(HOST))
                .as("the place was handed over, not freed")
                .isEqualTo(2);
    }

    @Test
    void aDeliveryThatWaitedInVainIsDeferredAndHoldsNoPlace() {
        fill();
        StepVerifier.create(gate.enter(HOST, parks)).expectNext(false).verifyComplete();
        gate.leave(HOST);
        assertThat(gate.inFlight(HOST))
                .as("the place is freed, nobody waits for it")
                .isEqualTo(1);
    }

    @Test
    void withNoRoomToParkADeliveryIsDeferredAtOnce() {
        fill();
        StepVerifier.create(gate.enter(HOST, () -> false))
                .expectNext(false)
                .expectComplete()
                .verify(WAIT.dividedBy(2));
    }

    @Test
    void aHostBusyForLongerDefersItsDeliveriesForLonger() {
        fill();
        assertThat(gate.deferral(HOST)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(gate.deferral(HOST)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(gate.deferral(HOST))
                .as("never past the attempt timeout")
                .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));

        gate.leave(HOST);
        StepVerifier.create(gate.enter(HOST, parks)).expectNext(true).verifyComplete();
        gate.leave(HOST);
        gate.leave(HOST);
        fill();
        assertThat(gate.deferral(HOST))
                .as("a host that took a delivery at once is busy afresh")
                .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void hostOfIgnoresCaseAndPortAndRefusesWhatIsNoUrl() {
        assertThat(HostGate.hostOf("https://Hooks.Example.com:8443/in?x=1")).isEqualTo("hooks.example.com");
        assertThat(HostGate.hostOf("http://[::1]:9000/")).isEqualTo("[::1]");
        assertThat(HostGate.hostOf("not a url")).isNull();
        assertThat(HostGate.hostOf("mailto:someone@example.com")).isNull();
    }

    private void fill() {
        gate.enter(HOST, parks).block();
        gate.enter(HOST, parks).block();
    }
}
