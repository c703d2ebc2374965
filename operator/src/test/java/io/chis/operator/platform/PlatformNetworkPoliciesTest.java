package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Who may talk to which port of a platform's pods. */
class PlatformNetworkPoliciesTest {
    private static Map<String, NetworkPolicy> policies(WebhookPlatform platform, Optional<String> operatorNamespace) {
        return PlatformNetworkPolicies.desired(platform, PlatformSettings.of(platform), operatorNamespace).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
    }

    private static NetworkPolicyIngressRule port(NetworkPolicy policy, int port) {
        return policy.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().get(0).getPort().getIntVal() == port)
                .findFirst()
                .orElseThrow(() -> new AssertionError(policy.getMetadata().getName() + " has no rule for " + port));
    }

    @Test
    void deliveryTakesGrpcOnlyFromTheApiPodsAndTheOperator() {
        Map<String, NetworkPolicy> policies =
                policies(Platforms.stored(Platforms.managed("shop", "acme")), Optional.of("chis-system"));
        assertThat(policies)
                .containsOnlyKeys(
                        "acme-api", "acme-delivery", "acme-worker", "acme-scheduler", "acme-postgres", "acme-redis");
        NetworkPolicy delivery = policies.get("acme-delivery");
        assertThat(delivery.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(delivery.getSpec().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "delivery")
                .containsEntry("app.kubernetes.io/instance", "acme");
        var grpc = port(delivery, 50051);
        assertThat(grpc.getFrom()).hasSize(2);
        assertThat(grpc.getFrom().get(0).getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "api")
                .containsEntry("app.kubernetes.io/instance", "acme");
        assertThat(grpc.getFrom().get(0).getNamespaceSelector())
                .as("the platform's own namespace")
                .isNull();
        assertThat(grpc.getFrom().get(1).getPodSelector().getMatchLabels())
                .isEqualTo(PlatformNetworkPolicies.OPERATOR_POD);
        assertThat(grpc.getFrom().get(1).getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", "chis-system"));
        assertThat(delivery.getSpec().getIngress())
                .extracting(r -> r.getPorts().get(0).getPort().getIntVal())
                .containsExactlyInAnyOrder(50051, 9090);
    }

    @Test
    void storesOnlyFromThePlatformsPodsAndTheRestPortAsConfigured() {
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "acme"));
        Map<String, NetworkPolicy> policies = policies(platform, Optional.empty());
        for (var store : Map.of("acme-postgres", 5432, "acme-redis", 6379).entrySet()) {
            NetworkPolicy policy = policies.get(store.getKey());
            assertThat(policy.getSpec().getIngress())
                    .as("no /metrics, nothing else")
                    .hasSize(1);
            assertThat(port(policy, store.getValue()).getFrom())
                    .singleElement()
                    .satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                            .containsExactlyInAnyOrderEntriesOf(
                                    Map.of("app.kubernetes.io/name", "chis", "app.kubernetes.io/instance", "acme")));
        }
        assertThat(port(policies.get("acme-api"), 8080).getFrom())
                .as("open to anyone by default")
                .isNull();
        assertThat(port(policies.get("acme-worker"), 9090).getFrom())
                .singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .as("any namespace")
                        .isNullOrEmpty());

        platform.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
        platform.getSpec()
                .getApi()
                .setAllowedFrom(List.of(new NetworkPolicyPeerBuilder()
                        .withNewNamespaceSelector()
                        .addToMatchLabels("kubernetes.io/metadata.name", "ingress-nginx")
                        .endNamespaceSelector()
                        .build()));
        platform.getSpec().setMonitoring(new WebhookPlatformSpec.MonitoringSpec());
        platform.getSpec()
                .getMonitoring()
                .setNamespaceSelector(new LabelSelectorBuilder()
                        .addToMatchLabels("monitoring", "true")
                        .build());
        policies = policies(platform, Optional.empty());
        assertThat(port(policies.get("acme-api"), 8080).getFrom())
                .singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));
        assertThat(port(policies.get("acme-scheduler"), 9090).getFrom())
                .singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactly(Map.entry("monitoring", "true")));
        // the operator's namespace unknown: its pods are recognised by their labels in any namespace
        assertThat(port(policies.get("acme-delivery"), 50051)
                        .getFrom()
                        .get(1)
                        .getNamespaceSelector()
                        .getMatchLabels())
                .isNullOrEmpty();
    }

    @Test
    void externalStoresGetNoPolicy() {
        WebhookPlatform platform = Platforms.stored(
                Platforms.external("shop", "acme", new SecretKeyRef("pg", "dsn"), new SecretKeyRef("cache", "url")));
        assertThat(policies(platform, Optional.empty())).doesNotContainKeys("acme-postgres", "acme-redis");
    }
}
