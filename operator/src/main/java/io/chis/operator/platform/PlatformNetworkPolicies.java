package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ingress NetworkPolicies around a platform's pods: delivery's gRPC only from the api pods and the operator, the
 * managed stores only from the platform's own pods, /metrics only from the configured scrapers, the REST port from
 * whoever {@code spec.api.allowedFrom} names (anyone by default). Egress stays open: workers call any receiver.
 */
public final class PlatformNetworkPolicies {
    /** Pod labels of the operator, set by the Helm chart and the kustomize manifests. */
    public static final Map<String, String> OPERATOR_POD =
            Map.of(Labels.PART_OF, Labels.APP, Labels.COMPONENT, "operator");

    static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private PlatformNetworkPolicies() {}

    /**
     * @param operatorNamespace where the operator runs, when it knows ({@code POD_NAMESPACE}); else any namespace
     */
    public static List<NetworkPolicy> desired(
            WebhookPlatform platform, PlatformSettings settings, Optional<String> operatorNamespace) {
        return desired(platform, settings, operatorNamespace, Optional.empty());
    }

    /** @param kedaNamespace where KEDA's operator runs when it scales the worker: its scaler reads Redis */
    public static List<NetworkPolicy> desired(
            WebhookPlatform platform,
            PlatformSettings settings,
            Optional<String> operatorNamespace,
            Optional<String> kedaNamespace) {
        List<NetworkPolicy> policies = new ArrayList<>();
        NetworkPolicyIngressRule metrics = rule(PlatformSettings.METRICS_PORT, List.of(scrapers(settings)));
        for (Role role : Role.values()) {
            List<NetworkPolicyIngressRule> rules = new ArrayList<>();
            switch (role) {
                case API -> rules.add(rule(PlatformSettings.HTTP_PORT, settings.apiAllowedFrom()));
                case DELIVERY ->
                    rules.add(rule(
                            PlatformSettings.GRPC_PORT,
                            List.of(pods(Labels.selector(platform, Role.API.id())), operator(operatorNamespace))));
                default -> {}
            }
            rules.add(metrics);
            policies.add(policy(platform, settings.roleName(role), role.id(), rules));
        }
        NetworkPolicyPeer platformPods = pods(platformPods(platform));
        if (settings.managedPostgres().isPresent()) {
            policies.add(policy(
                    platform,
                    settings.postgresName(),
                    ManagedPostgres.COMPONENT,
                    List.of(rule(PlatformSettings.POSTGRES_PORT, List.of(platformPods)))));
        }
        if (settings.managedRedis().isPresent()) {
            policies.add(policy(
                    platform,
                    settings.redisName(),
                    ManagedRedis.COMPONENT,
                    List.of(rule(
                            PlatformSettings.REDIS_PORT,
                            kedaNamespace
                                    .map(ns -> List.of(platformPods, namespace(ns)))
                                    .orElseGet(() -> List.of(platformPods))))));
        }
        return policies;
    }

    /** Every pod of this platform: roles, migration Job, stores. */
    static Map<String, String> platformPods(WebhookPlatform platform) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.NAME, Labels.APP);
        labels.put(Labels.INSTANCE, platform.getMetadata().getName());
        return labels;
    }

    private static NetworkPolicy policy(
            WebhookPlatform platform, String name, String component, List<NetworkPolicyIngressRule> rules) {
        return new NetworkPolicyBuilder()
                .withMetadata(ChildMetadata.of(platform, name, component))
                .withNewSpec()
                .withPodSelector(new LabelSelectorBuilder()
                        .withMatchLabels(Labels.selector(platform, component))
                        .build())
                .withPolicyTypes("Ingress")
                .withIngress(rules)
                .endSpec()
                .build();
    }

    /** Traffic to one port; from anywhere when {@code from} is empty. */
    private static NetworkPolicyIngressRule rule(int port, List<NetworkPolicyPeer> from) {
        return new NetworkPolicyIngressRuleBuilder()
                .addNewPort()
                .withProtocol("TCP")
                .withPort(new IntOrString(port))
                .endPort()
                .withFrom(from.isEmpty() ? null : from)
                .build();
    }

    private static NetworkPolicyPeer pods(Map<String, String> labels) {
        return new NetworkPolicyPeerBuilder()
                .withPodSelector(
                        new LabelSelectorBuilder().withMatchLabels(labels).build())
                .build();
    }

    private static NetworkPolicyPeer namespace(String name) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(new LabelSelectorBuilder()
                        .addToMatchLabels(NAMESPACE_NAME, name)
                        .build())
                .build();
    }

    private static NetworkPolicyPeer operator(Optional<String> namespace) {
        return new NetworkPolicyPeerBuilder()
                .withPodSelector(
                        new LabelSelectorBuilder().withMatchLabels(OPERATOR_POD).build())
                .withNamespaceSelector(namespace
                        .map(ns -> new LabelSelectorBuilder()
                                .addToMatchLabels(NAMESPACE_NAME, ns)
                                .build())
                        .orElseGet(LabelSelector::new))
                .build();
    }

    /** Any pod in the namespaces {@code spec.monitoring.namespaceSelector} selects; in every namespace by default. */
    private static NetworkPolicyPeer scrapers(PlatformSettings settings) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(settings.metricsNamespaces().orElseGet(LabelSelector::new))
                .build();
    }
}
