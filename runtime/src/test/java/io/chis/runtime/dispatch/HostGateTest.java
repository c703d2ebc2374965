package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.dispatch.HostGate.Admission;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The per-host and per-endpoint caps: places, the wait for a handed-over place, and how long a busy host's deliveries
 * stay away.
 */
class HostGateTest {

    private static final String HOST = "tarpit.example";
    private static final UUID STALLED = UUID.randomUUID();
    private static final UUID FAST = UUID.randomUUID();
    private static final Duration WAIT = Duration.ofMillis(300);

    private final AtomicLong now = new AtomicLong();
    private final HostGate gate = new HostGate(4, WAIT, Duration.ofSeconds(30), now::get);
    private final AtomicInteger parked = new AtomicInteger();
    private final Slot parks = () -> {
        parked.incrementAndGet();
        return true;
    };

    @Test
    void theCapIsPerHost() {
        fill();
        StepVerifier.create(gate.enter("other.example", null, parks))
                .expectNext(Admission.ENTERED)
                .verifyComplete();
        assertThat(gate.inFlight(HOST)).isEqualTo(4);
        assertThat(parked).as("nobody had to wait").hasValue(0);
    }

    @Test
    void oneEndpointTakesAtMostHalfItsHost() {
        assertThat(HostGate.perEndpoint(4)).isEqualTo(2);
        assertThat(HostGate.perEndpoint(1)).as("never none").isEqualTo(1);
        enter(STALLED);
        enter(STALLED);
        StepVerifier.create(gate.enter(HOST, STALLED, parks))
                .expectNextMatches(Admission.Deferred.class::isInstance)
                .verifyComplete();
        assertThat(gate.inFlight(STALLED)).isEqualTo(2);
        assertThat(gate.inFlight(HOST))
                .as("the deferred one holds no place at the host")
                .isEqualTo(2);

        enter(FAST);
        enter(FAST);
        assertThat(gate.inFlight(HOST))
                .as("another endpoint of the host keeps the other half")
                .isEqualTo(4);
    }

    @Test
    void aDeliveryThatGotItsEndpointButNotItsHostGivesTheEndpointPlaceBack() {
        fill();
        UUID third = UUID.randomUUID();
        StepVerifier.create(gate.enter(HOST, third, parks))
                .expectNextMatches(Admission.Deferred.class::isInstance)
                .verifyComplete();
        assertThat(gate.inFlight(third)).isZero();
    }

    @Test
    void aWaitingDeliveryGetsThePlaceOfTheNextRequestThatEnds() {
        fill();
        StepVerifier.create(gate.enter(HOST, null, parks))
                .then(() -> assertThat(parked)
                        .as("its worker slot is given back while it waits")
                        .hasValue(1))
                .then(() -> gate.leave(HOST, null))
                .expectNext(Admission.ENTERED)
                .verifyComplete();
        assertThat(gate.inFlight(HOST))
                .as("the place was handed over, not freed")
                .isEqualTo(4);
    }

    @Test
    void aDeliveryWaitingForItsEndpointGetsItsPlaceThenItsHosts() {
        enter(STALLED);
        enter(STALLED);
        StepVerifier.create(gate.enter(HOST, STALLED, parks))
                .then(() -> gate.leave(HOST, STALLED))
                .expectNext(Admission.ENTERED)
                .verifyComplete();
        assertThat(gate.inFlight(STALLED)).isEqualTo(2);
        assertThat(gate.inFlight(HOST)).isEqualTo(2);
    }

    @Test
    void aDeliveryStoppedWhileWaitingForItsHostGivesItsEndpointPlaceBack() {
        fill();
        UUID third = UUID.randomUUID();
        gate.enter(HOST, third, parks).subscribe().dispose();
        assertThat(gate.inFlight(third)).isZero();
        gate.leave(HOST, STALLED);
        assertThat(gate.inFlight(HOST)).as("nobody waits for the freed place").isEqualTo(3);
    }

    @Test
    void aDeliveryThatWaitedInVainIsDeferredAndHoldsNoPlace() {
        fill();
        StepVerifier.create(gate.enter(HOST, null, parks))
                .expectNextMatches(Admission.Deferred.class::isInstance)
                .verifyComplete();
        gate.leave(HOST, null);
        assertThat(gate.inFlight(HOST))
                .as("the place is freed, nobody waits for it")
                .isEqualTo(3);
    }

    @Test
    void withNoRoomToParkADeliveryIsDeferredAtOnce() {
        fill();
        StepVerifier.create(gate.enter(HOST, null, () -> false))
                .expectNextMatches(Admission.Deferred.class::isInstance)
                .expectComplete()
                .verify(WAIT.dividedBy(2));
    }

    @Test
    void aHostBusyForLongerDefersItsDeliveriesForLonger() {
        fill();
        assertThat(deferral()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(deferral()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(deferral())
                .as("never past the attempt timeout")
                .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));

        gate.leave(HOST, null);
        enter(null);
        gate.leave(HOST, null);
        gate.leave(HOST, null);
        enter(null);
        enter(null);
        assertThat(deferral())
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

    /** The host's four places, half to each of two endpoints. */
    private void fill() {
        enter(STALLED);
        enter(STALLED);
        enter(FAST);
        enter(FAST);
    }

    private void enter(UUID endpoint) {
        assertThat(gate.enter(HOST, endpoint, parks).block()).isEqualTo(Admission.ENTERED);
    }

    /** How long a delivery over the full host's cap, with no room to park, is deferred. */
    private Duration deferral() {
        return ((Admission.Deferred) gate.enter(HOST, null, () -> false).block()).after();
    }
}
