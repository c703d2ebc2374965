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
    void rejectsAnUnreadableSwitch() {
        assertThatThrownBy(() -> OperatorSettings.fromEnv(Map.of("CHIS_OPERATOR_SERVER_SIDE_APPLY", "maybe")))
                .hasMessageContaining("CHIS_OPERATOR_SERVER_SIDE_APPLY");
    }
}
