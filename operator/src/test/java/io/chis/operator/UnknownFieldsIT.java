package io.chis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookPlatform;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A field the operator's classes do not know (a newer CRD during an upgrade) is ignored: every kind keeps being reconciled. */
class UnknownFieldsIT {
    private static final String NS = "shop";
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
    void eachKindWithAnUnknownFieldIsStillReconciledAndSoAreTheOthers() {
        apply("""
                apiVersion: chis.io/v1alpha1
                kind: WebhookPlatform
                metadata: {name: odd, namespace: shop}
                spec:
                  worker: {replicas: 2, autoscaling: {minReplicas: 1, maxReplicas: 8}}
                  database: {managed: {storage: 1Gi, backups: daily}}
                  redis: {managed: {}}
                  futureField: true
                status: {somethingNew: 1}
                """);
        apply("""
                apiVersion: chis.io/v1alpha1
                kind: DeliveryPolicy
                metadata: {name: odd, namespace: shop}
                spec: {maxRetries: 3, circuitBreaker: {threshold: 5}}
                """);
        apply("""
                apiVersion: chis.io/v1alpha1
                kind: WebhookEndpoint
                metadata: {name: odd, namespace: shop}
                spec: {platformRef: odd, url: "https://receiver.example.com/h", owner: ada@example.com, transform: jq}
                """);

        // each got a status from its reconciler: none of them stopped an informer
        assertThat(OperatorHarness.await(() -> conditions(k8s.get(WebhookPlatform.class, NS, "odd"))))
                .isNotEmpty();
        assertThat(OperatorHarness.await(() -> conditions(k8s.get(DeliveryPolicy.class, NS, "odd"))))
                .isNotEmpty();
        assertThat(OperatorHarness.await(() -> conditions(k8s.get(WebhookEndpoint.class, NS, "odd"))))
                .isNotEmpty();
        // the known fields of the odd platform are still honoured
        assertThat(k8s.awaitExists(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, NS, "odd-postgres"))
                .isNotNull();

        // and a platform created afterwards is reconciled as usual
        WebhookPlatform plain = k8s.create(io.chis.operator.platform.Platforms.managed(NS, "plain"));
        assertThat(OperatorHarness.await(() -> conditions(k8s.get(WebhookPlatform.class, NS, "plain"))))
                .isNotEmpty();
        assertThat(k8s.reconciliations(plain)).isPositive();
    }

    private void apply(String yaml) {
        GenericKubernetesResource resource = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        k8s.client.resource(resource).create();
    }

    private static List<?> conditions(HasMetadata resource) {
        if (resource == null) {
            return null;
        }
        Object status = switch (resource) {
            case WebhookPlatform p -> p.getStatus();
            case DeliveryPolicy p -> p.getStatus();
            case WebhookEndpoint e -> e.getStatus();
            default -> null;
        };
        if (status == null) {
            return null;
        }
        List<?> conditions = (List<?>)
                Serialization.jsonMapper().convertValue(status, Map.class).get("conditions");
        return conditions == null || conditions.isEmpty() ? null : conditions;
    }
}
