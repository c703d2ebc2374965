package io.chis.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.DeliveryPolicySpec;
import io.chis.operator.support.Conditions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    @Test
    void theDefaultsAreTheSeedsSchedule() {
        RetrySchedule schedule = RetrySchedule.of(new DeliveryPolicySpec());
        assertThat(schedule.describe()).isEqualTo("1s,2s,4s,8s,16s");
        assertThat(schedule.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void delaysGrowByTheMultiplierUpToTheCap() {
        DeliveryPolicySpec spec = new DeliveryPolicySpec();
        spec.setMaxRetries(6);
        spec.setInitialDelay("500ms");
        spec.setMultiplier(3.0);
        spec.setMaxDelay("1m");
        assertThat(RetrySchedule.of(spec).describe()).isEqualTo("500ms,1500ms,4500ms,13500ms,40500ms,1m");
        spec.setMaxRetries(0);
        assertThat(RetrySchedule.of(spec).describe()).isEqualTo("none");
    }

    @Test
    void durationsReadAndPrintLikeGo() {
        assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(DurationText.format(Duration.ofSeconds(16))).isEqualTo("16s");
        assertThatThrownBy(() -> DurationText.parse("5 minutes")).hasMessageContaining("5 minutes");
    }

    @Test
    void anInvalidPolicyIsReportedNotApplied() {
        DeliveryPolicy policy = new DeliveryPolicy();
        policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("p").withGeneration(3L).build());
        policy.getSpec().setInitialDelay("10s");
        policy.getSpec().setMaxDelay("5s");
        var status = DeliveryPolicyReconciler.status(policy, Instant.parse("2026-11-01T10:00:00Z"));
        var ready = Conditions.find(status, "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidPolicy");
        assertThat(ready.getMessage()).contains("maxDelay");
        assertThat(status.getSchedule()).isNull();
        assertThat(status.getObservedGeneration()).isEqualTo(3L);
    }
}
