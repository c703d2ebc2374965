package io.chis.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.Condition;
import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.DeliveryPolicyStatus;
import io.chis.operator.support.Conditions;
import io.chis.proto.v1.Policy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DeliveryPolicy as the runtime takes it, and its status from how applying it went. */
class DeliveryPolicySyncTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    private static DeliveryPolicy policy() {
        DeliveryPolicy policy = new DeliveryPolicy();
        policy.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("gentle")
                .withGeneration(2L)
                .build());
        policy.getSpec().setMaxRetries(3);
        policy.getSpec().setInitialDelay("500ms");
        return policy;
    }

    private static Condition ready(DeliveryPolicyStatus status) {
        return Conditions.find(status, Conditions.READY).orElseThrow();
    }

    @Test
    void theRuntimeGetsEverySettingWithDefaultsApplied() {
        DeliveryPolicy policy = policy();
        policy.getSpec().setJitter(0.2);
        policy.getSpec().setRateLimitPerSecond(5);
        Policy runtime = RuntimePolicy.of("gentle", EffectivePolicy.of(policy.getSpec()));

        assertThat(runtime.getName()).isEqualTo("gentle");
        assertThat(runtime.getMaxRetries()).isEqualTo(3);
        assertThat(runtime.getInitialDelayMs()).isEqualTo(500);
        assertThat(runtime.getMultiplier()).isEqualTo(2.0);
        assertThat(runtime.getMaxDelayMs()).as("the shared default cap, 10 min").isEqualTo(600_000);
        assertThat(runtime.getJitter()).isEqualTo(0.2);
        assertThat(runtime.getTimeoutMs()).isEqualTo(30_000);
        assertThat(runtime.getRateLimitPerSecond()).isEqualTo(5.0);
        assertThat(RuntimePolicy.of("x", EffectivePolicy.of(null)).getRateLimitPerSecond())
                .as("unlimited")
                .isZero();
    }

    @Test
    void appliedEverywhereItIsSyncedWithTheRuntimesSchedule() {
        DeliveryPolicyStatus status = DeliveryPolicyReconciler.status(
                policy(),
                List.of(PolicySync.applied("chis", "500ms,1s,2s"), PolicySync.applied("staging", "500ms,1s,2s")),
                NOW);
        assertThat(status.getSchedule()).isEqualTo("500ms,1s,2s");
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(ready(status)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Synced");
            assertThat(c.getMessage())
                    .isEqualTo("4 attempts at most, then dead letter; applied to WebhookPlatform chis, staging");
        });
    }

    @Test
    void withoutAPlatformItIsValidAndComputedHere() {
        DeliveryPolicyStatus status = DeliveryPolicyReconciler.status(policy(), NOW);
        assertThat(status.getSchedule()).isEqualTo("500ms,1s,2s");
        assertThat(ready(status).getReason()).isEqualTo("PolicyValid");
        assertThat(ready(status).getMessage()).contains("no WebhookPlatform in namespace shop");
        assertThat(ready(status).isTrue()).isTrue();
    }

    @Test
    void aPlatformThatCannotBeReachedMakesItNotReady() {
        DeliveryPolicyStatus status = DeliveryPolicyReconciler.status(
                policy(),
                List.of(
                        PolicySync.applied("chis", "500ms,1s,2s"),
                        PolicySync.failed(
                                "staging",
                                new SyncProblem("PlatformUnavailable", "the admin API did not answer", true))),
                NOW);
        assertThat(ready(status)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("PlatformUnavailable");
            assertThat(c.getMessage()).isEqualTo("WebhookPlatform staging: the admin API did not answer");
        });
        assertThat(status.getSchedule()).isEqualTo("500ms,1s,2s");
    }

    @Test
    void anInvalidSpecIsNeverApplied() {
        DeliveryPolicy policy = policy();
        policy.getSpec().setMaxDelay("100ms");
        DeliveryPolicyStatus status = DeliveryPolicyReconciler.status(policy, NOW);
        assertThat(ready(status).getReason()).isEqualTo("InvalidPolicy");
        assertThat(status.getSchedule()).isNull();
    }
}
