package io.chis.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliverySettingsTest {

    @Test
    void defaultsFollowTheDesign() {
        DeliverySettings settings = DeliverySettings.fromEnv(Map.of());
        assertThat(settings).isEqualTo(DeliverySettings.DEFAULTS);
        assertThat(settings.defaultPolicy()).as("the built-in schedule").isNull();
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.claimTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.lease()).isGreaterThan(settings.timeout()).isLessThan(settings.claimTimeout());
        assertThat(ChisSettings.fromEnv(Map.of()).delivery()).isEqualTo(DeliverySettings.DEFAULTS);
    }

    @Test
    void readsDurationsInSeveralSpellings() {
        DeliverySettings settings = DeliverySettings.fromEnv(Map.of(
                "CHIS_WORKER_CONCURRENCY", "8",
                "CHIS_DELIVERY_TIMEOUT", "1500ms",
                "CHIS_SWEEP_INTERVAL", "2m",
                "CHIS_SWEEP_GRACE", "0",
                "CHIS_SCHEDULER_TICK", "0.1",
                "CHIS_WORKER_SHUTDOWN_GRACE", "5s",
                "CHIS_DEFAULT_POLICY", " gentle "));
        assertThat(settings.concurrency()).isEqualTo(8);
        assertThat(settings.defaultPolicy()).isEqualTo("gentle");
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.claimTimeout()).as("twice the timeout unless set").isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.sweepInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.sweepGrace()).isZero();
        assertThat(settings.schedulerTick()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theHostCapIsAQuarterOfTheSlotsUnlessSet() {
        assertThat(DeliverySettings.DEFAULTS.hostConcurrency()).isEqualTo(16);
        assertThat(DeliverySettings.fromEnv(Map.of("CHIS_WORKER_CONCURRENCY", "3"))
                        .hostConcurrency())
                .as("at least one")
                .isEqualTo(1);
        assertThat(DeliverySettings.fromEnv(Map.of("CHIS_HOST_CONCURRENCY", "40"))
                        .hostConcurrency())
                .isEqualTo(40);
        assertThatThrownBy(() -> DeliverySettings.fromEnv(Map.of("CHIS_HOST_CONCURRENCY", "0")))
                .hasMessageContaining("CHIS_HOST_CONCURRENCY");
    }

    @Test
    void claimTimeoutMustOutlastTheRequestTimeout() {
        assertThatThrownBy(() ->
                        DeliverySettings.fromEnv(Map.of("CHIS_DELIVERY_TIMEOUT", "30s", "CHIS_CLAIM_TIMEOUT", "30s")))
                .hasMessageContaining("CHIS_CLAIM_TIMEOUT")
                .hasMessageContaining("CHIS_DELIVERY_TIMEOUT");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> DeliverySettings.fromEnv(Map.of("CHIS_WORKER_CONCURRENCY", "0")))
                .hasMessageContaining("CHIS_WORKER_CONCURRENCY");
        assertThatThrownBy(() -> DeliverySettings.fromEnv(Map.of("CHIS_DELIVERY_TIMEOUT", "soon")))
                .hasMessageContaining("CHIS_DELIVERY_TIMEOUT");
        assertThatThrownBy(() -> DeliverySettings.fromEnv(Map.of("CHIS_SWEEP_INTERVAL", "0")))
                .hasMessageContaining("CHIS_SWEEP_INTERVAL");
    }
}
