package io.chis.operator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.Condition;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEndpointStatus;
import io.chis.operator.support.Conditions;
import io.chis.proto.v1.EndpointHealth;
import io.chis.proto.v1.EndpointStats;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointStatusBuilderTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(30);
    private static final SecretKeyRef SIGNING = new SecretKeyRef("orders-signing", "secret");
    private static final EndpointStats STATS = EndpointStats.newBuilder()
            .setId("7f0c")
            .setDelivered(12)
            .setFailed(3)
            .setDeadLettered(1)
            .setLastAttemptAt("2026-11-29T09:59:58Z")
            .setLastStatusCode(204)
            .setHealth(EndpointHealth.newBuilder()
                    .setLastSuccessAt("2026-11-29T09:59:58Z")
                    .setLastFailureAt("2026-11-29T09:50:00Z")
                    .setSuccessRate1H(0.75)
                    .setSuccessRate24H(0.9))
            .build();

    private static EndpointSync synced(EndpointStats stats) {
        return new EndpointSync.Synced("chis", SIGNING, "abc123", stats, Optional.empty());
    }

    private static EndpointSync failed(String reason, String message) {
        return EndpointSync.Failed.of(new SyncProblem(reason, message, true));
    }

    private static Condition ready(WebhookEndpointStatus status) {
        return Conditions.find(status, Conditions.READY).orElseThrow();
    }

    @Test
    void aSyncedEndpointShowsItsStatsAndIsReady() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        WebhookEndpointStatus status = EndpointStatusBuilder.build(endpoint, synced(STATS), T0);

        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getEndpointId()).isEqualTo("7f0c");
        assertThat(status.getPlatform()).isEqualTo("chis");
        assertThat(status.getSecretRef()).isSameAs(SIGNING);
        assertThat(status.getAppliedHash()).isEqualTo("abc123");
        assertThat(status.getDelivered()).isEqualTo(12);
        assertThat(status.getFailed()).isEqualTo(3);
        assertThat(status.getDeadLettered()).isEqualTo(1);
        assertThat(status.getLastAttemptAt()).isEqualTo("2026-11-29T09:59:58Z");
        assertThat(status.getLastStatusCode()).isEqualTo(204);
        assertThat(status.getDisabledReason()).isNull();
        assertThat(status.getHealth().getLastSuccessAt()).isEqualTo("2026-11-29T09:59:58Z");
        assertThat(status.getHealth().getLastFailureAt()).isEqualTo("2026-11-29T09:50:00Z");
        assertThat(status.getHealth().getConsecutiveFailures()).isZero();
        assertThat(status.getHealth().getSuccessRate1h()).isEqualTo(0.75);
        assertThat(status.getHealth().getSuccessRate24h()).isEqualTo(0.9);
        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Synced");
            assertThat(c.getMessage()).isEqualTo("synced into WebhookPlatform chis");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-29T10:00:00Z");
            assertThat(c.getObservedGeneration()).isEqualTo(1L);
        });
    }

    @Test
    void neverAttemptedMeansNoLastAttemptRatherThanZeroes() {
        WebhookEndpointStatus status = EndpointStatusBuilder.build(
                Endpoints.stored("shop", "orders"),
                synced(EndpointStats.newBuilder()
                        .setId("7f0c")
                        .setHealth(EndpointHealth.getDefaultInstance())
                        .build()),
                T0);
        assertThat(status.getLastAttemptAt()).isNull();
        assertThat(status.getHealth().getLastSuccessAt()).isNull();
        assertThat(status.getHealth().getSuccessRate1h())
                .as("no attempts: no rate rather than 0")
                .isNull();
        assertThat(status.getLastStatusCode()).isNull();
        assertThat(status.getDelivered()).isZero();
    }

    @Test
    void aProblemKeepsTheLastKnownStatsAndSaysWhatIsWrong() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        endpoint.setStatus(EndpointStatusBuilder.build(endpoint, synced(STATS), T0));

        WebhookEndpointStatus status = EndpointStatusBuilder.build(
                endpoint, failed("PlatformUnavailable", "the admin API of WebhookPlatform chis did not answer"), T1);

        assertThat(ready(status)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("PlatformUnavailable");
            assertThat(c.getMessage()).contains("did not answer");
            assertThat(c.getLastTransitionTime()).isEqualTo(T1.toString());
        });
        assertThat(status.getDelivered()).isEqualTo(12);
        assertThat(status.getEndpointId()).isEqualTo("7f0c");
        assertThat(status.getAppliedHash()).isEqualTo("abc123");
        assertThat(status.getPlatform()).isEqualTo("chis");
    }

    @Test
    void theTransitionTimeStaysWhileReadyStaysTheSame() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        endpoint.setStatus(EndpointStatusBuilder.build(endpoint, synced(STATS), T0));
        WebhookEndpointStatus later = EndpointStatusBuilder.build(
                endpoint, synced(STATS.toBuilder().setDelivered(13).build()), T1);
        assertThat(ready(later).getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(later.getDelivered()).isEqualTo(13);
    }

    @Test
    void anEndpointTheRuntimeDisabledIsNotReadyAndSaysHowToTurnItBackOn() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        EndpointStats gone = STATS.toBuilder()
                .setDisabled(true)
                .setDisabledReason("410 Gone from https://receiver.example.com/hooks at 2026-11-29T09:59:58Z")
                .build();

        WebhookEndpointStatus status = EndpointStatusBuilder.build(endpoint, synced(gone), T0);

        assertThat(status.getDisabledReason()).startsWith("410 Gone");
        assertThat(ready(status)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("EndpointDisabled");
            assertThat(c.getMessage()).startsWith("410 Gone").contains("spec.disabled");
        });
    }

    @Test
    void anEndpointDisabledBySpecIsWhatWasAskedFor() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        endpoint.getSpec().setDisabled(true);
        WebhookEndpointStatus status = EndpointStatusBuilder.build(
                endpoint, synced(STATS.toBuilder().setDisabled(true).build()), T0);
        assertThat(ready(status)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Synced");
            assertThat(c.getMessage()).contains("disabled by spec.disabled");
        });
        assertThat(status.getDisabledReason()).isNull();
    }

    @Test
    void aMissingPolicyIsReportedAlthoughTheEndpointIsSynced() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        SyncProblem missing =
                new SyncProblem("PolicyNotFound", "DeliveryPolicy gentle does not exist in namespace shop", false);
        WebhookEndpointStatus status = EndpointStatusBuilder.build(
                endpoint, new EndpointSync.Synced("chis", SIGNING, "abc123", STATS, Optional.of(missing)), T0);
        assertThat(ready(status).getReason()).isEqualTo("PolicyNotFound");
        assertThat(ready(status).getStatus()).isEqualTo("False");
        assertThat(status.getDelivered()).isEqualTo(12);
        assertThat(new EndpointSync.Synced("chis", SIGNING, "abc123", STATS, Optional.of(missing)).retrySoon())
                .isFalse();
    }
}
