package io.chis.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.DeliveryPolicySpec;
import io.chis.operator.support.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EffectivePolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-01T10:00:00Z");

    @Test
    void theDefaultsAreTheSeedsSchedule() {
        EffectivePolicy policy = EffectivePolicy.of(new DeliveryPolicySpec());
        assertThat(policy.schedule().describe()).isEqualTo("1s,2s,4s,8s,16s");
        assertThat(policy.schedule().maxDelay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.rateLimitPerSecond()).isEmpty();
    }

    @Test
    void delaysGrowByTheMultiplierUpToTheCap() {
        DeliveryPolicySpec spec = new DeliveryPolicySpec();
        spec.setMaxRetries(6);
        spec.setInitialDelay("500ms");
        spec.setMultiplier(3.0);
        spec.setMaxDelay("1m");
        assertThat(EffectivePolicy.of(spec).schedule().describe()).isEqualTo("500ms,1500ms,4500ms,13500ms,40500ms,1m");
        spec.setMaxRetries(0);
        assertThat(EffectivePolicy.of(spec).schedule().describe()).isEqualTo("none");
    }

    @Test
    void aBadDurationNamesItsField() {
        DeliveryPolicySpec spec = new DeliveryPolicySpec();
        spec.setTimeout("5 minutes");
        assertThatThrownBy(() -> EffectivePolicy.of(spec))
                .hasMessageStartingWith("timeout: ")
                .hasMessageContaining("5 minutes");
    }

    /** The status format users and tools read: Go-style, the same whether or not a runtime has answered. */
    @Test
    void theStatusPrintsTheScheduleGoStyle() {
        DeliveryPolicy policy = policy();
        policy.getSpec().setMaxRetries(4);
        policy.getSpec().setInitialDelay("30s");
        policy.getSpec().setMaxDelay("2m");
        policy.getSpec().setTimeout("90s");

        var status = DeliveryPolicyReconciler.status(policy, NOW);
        assertThat(status.getSchedule()).isEqualTo("30s,1m,2m,2m");
        assertThat(status.getMaxDelay()).isEqualTo("2m");
        assertThat(status.getInitialDelay()).isEqualTo("30s");
        assertThat(status.getTimeout()).isEqualTo("1m30s");

        policy.getSpec().setMaxRetries(3);
        policy.getSpec().setInitialDelay("120s");
        policy.getSpec().setMaxDelay("1h");
        assertThat(DeliveryPolicyReconciler.status(policy, NOW).getSchedule())
                .as("120 s prints as 2m")
                .isEqualTo("2m,4m,8m");
        assertThat(DeliveryPolicyReconciler.status(policy, List.of(), NOW).getMaxDelay())
                .isEqualTo("1h");
    }

    @Test
    void anInvalidPolicyIsReportedNotApplied() {
        DeliveryPolicy policy = policy();
        policy.getSpec().setInitialDelay("10s");
        policy.getSpec().setMaxDelay("5s");
        var status = DeliveryPolicyReconciler.status(policy, NOW);
        var ready = Conditions.find(status, "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidPolicy");
        assertThat(ready.getMessage()).contains("maxDelay");
        assertThat(status.getSchedule()).isNull();
        assertThat(status.getObservedGeneration()).isEqualTo(3L);
    }

    private static DeliveryPolicy policy() {
        DeliveryPolicy policy = new DeliveryPolicy();
        policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName("p")
                .withGeneration(3L)
                .build());
        return policy;
    }
}
