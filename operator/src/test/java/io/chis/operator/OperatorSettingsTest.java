package io.chis.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
    @Test
    void defaultsWatchEverythingWithServerSideApplyAndLeaderElection() {
        OperatorSettings settings = OperatorSettings.fromEnv(Map.of());
        assertThat(settings.watchNamespaces()).isEmpty();
        assertThat(settings.serverSideApply()).isTrue();
        assertThat(settings.leaderElection()).isTrue();
        assertThat(settings.healthPort()).isEqualTo(8081);
        assertThat(settings.identity()).isEmpty();
    }

    @Test
    void readsTheEnvironment() {
        OperatorSettings settings = OperatorSettings.fromEnv(Map.of(
                "WATCH_NAMESPACES", " shop, billing ,,",
                "CHIS_OPERATOR_SERVER_SIDE_APPLY", "false",
                "CHIS_OPERATOR_LEADER_ELECTION", "off",
                "POD_NAME", "chis-operator-7d9f",
                "POD_NAMESPACE", "chis"));
        assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("shop", "billing");
        assertThat(settings.serverSideApply()).isFalse();
        assertThat(settings.leaderElection()).isFalse();
        assertThat(settings.identity()).contains("chis-operator-7d9f");
        assertThat(settings.leaseNamespace()).contains("chis");
    }

    @Test
    void findsEachPlatformsAdminApiAndRefreshesStatsAtTheGivenPace() {
        OperatorSettings defaults = OperatorSettings.fromEnv(Map.of());
        assertThat(defaults.deliveryAddress("shop", "chis")).isEqualTo("chis-delivery.shop.svc:50051");
        assertThat(defaults.statsInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(defaults.syncRetry()).isEqualTo(java.time.Duration.ofSeconds(10));

        OperatorSettings local = OperatorSettings.fromEnv(Map.of(
                "CHIS_OPERATOR_DELIVERY_ADDRESS", "localhost:50051",
                "CHIS_OPERATOR_STATS_INTERVAL", "1m30s"));
        assertThat(local.deliveryAddress("shop", "chis")).isEqualTo("localhost:50051");
        assertThat(local.statsInterval()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThatThrownBy(() -> OperatorSettings.fromEnv(Map.of("CHIS_OPERATOR_STATS_INTERVAL", "soon")))
                .hasMessageContaining("CHIS_OPERATOR_STATS_INTERVAL");
        assertThatThrownBy(() -> OperatorSettings.fromEnv(Map.of("CHIS_OPERATOR_STATS_INTERVAL", "0s")))
                .hasMessageContaining("longer than 0");
    }

    @Test
    void rejectsAnUnreadableSwitch() {
        assertThatThrownBy(() -> OperatorSettings.fromEnv(Map.of("CHIS_OPERATOR_SERVER_SIDE_APPLY", "maybe")))
                .hasMessageContaining("CHIS_OPERATOR_SERVER_SIDE_APPLY");
    }
}
