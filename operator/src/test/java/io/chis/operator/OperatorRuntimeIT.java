package io.chis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.Condition;
import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The running operator beyond WebhookPlatform: its probes and the DeliveryPolicy controller. */
class OperatorRuntimeIT {
    private OperatorHarness k8s;

    @BeforeEach
    void start() throws Exception {
        k8s = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        k8s.close();
    }

    @Test
    void probesFollowTheOperatorsLifecycle() throws Exception {
        try (HealthServer health = new HealthServer(0, k8s.operator(), () -> true);
                HttpClient http = HttpClient.newHttpClient()) {
            // starting: alive, not ready yet
            assertThat(get(http, health.port(), "/healthz")).isEqualTo(200);
            assertThat(get(http, health.port(), "/readyz")).isEqualTo(503);
            health.started();
            assertThat(get(http, health.port(), "/readyz")).isEqualTo(200);
            assertThat(get(http, health.port(), "/healthz")).isEqualTo(200);
            // the leader's informers stopped: no longer live
            k8s.stopOperator();
            assertThat(get(http, health.port(), "/healthz")).isEqualTo(503);
            health.stopping();
            assertThat(get(http, health.port(), "/readyz")).isEqualTo(503);
        }
    }

    @Test
    void aDeliveryPolicyReportsItsEffectiveSchedule() {
        DeliveryPolicy policy = new DeliveryPolicy();
        policy.setMetadata(
                new ObjectMetaBuilder().withNamespace("shop").withName("gentle").build());
        policy.getSpec().setMaxRetries(4);
        policy.getSpec().setInitialDelay("30s");
        policy.getSpec().setMaxDelay("1m");
        k8s.create(policy);

        DeliveryPolicy reported =
                OperatorHarness.await(() -> Optional.ofNullable(k8s.get(DeliveryPolicy.class, "shop", "gentle"))
                        .filter(p -> p.getStatus() != null && p.getStatus().getSchedule() != null)
                        .orElse(null));
        assertThat(reported.getStatus().getSchedule()).isEqualTo("30s,1m,1m,1m");
        assertThat(reported.getStatus().getTimeout()).isEqualTo("30s");
        assertThat(reported.getStatus().getMultiplier()).isEqualTo(2.0);
        assertThat(reported.getSpec().getTimeout())
                .as("defaults stay out of spec")
                .isNull();
        Condition ready =
                Conditions.find(reported.getStatus(), Conditions.READY).orElseThrow();
        assertThat(ready.isTrue()).isTrue();
        assertThat(ready.getObservedGeneration())
                .isEqualTo(reported.getMetadata().getGeneration());
    }

    @Test
    void withWatchNamespacesTheOperatorLeavesOtherNamespacesAlone() {
        k8s.stopOperator();
        k8s.startOperator(java.util.Set.of("shop"));
        k8s.create(io.chis.operator.platform.Platforms.managed("elsewhere", "acme"));
        k8s.create(io.chis.operator.platform.Platforms.managed("shop", "acme"));
        k8s.awaitExists(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, "shop", "acme-postgres");
        OperatorHarness.await(() -> k8s.platform("shop", "acme").getStatus());

        assertThat(k8s.platform("elsewhere", "acme").getStatus()).isNull();
        assertThat(k8s.client.secrets().inNamespace("elsewhere").list().getItems())
                .isEmpty();
        assertThat(k8s.reconciliations(k8s.platform("elsewhere", "acme"))).isZero();
    }

    private static int get(HttpClient http, int port, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
