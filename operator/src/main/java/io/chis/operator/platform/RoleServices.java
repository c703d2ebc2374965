package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.LinkedHashMap;
import java.util.Optional;

/** The Services in front of the api and delivery roles, and the disruption budgets of replicated roles. */
public final class RoleServices {
    private RoleServices() {}

    /** The REST API; ClusterIP by default: the internet reaches it through spec.api.ingress (TLS) or a chosen LoadBalancer. */
    public static Service api(WebhookPlatform platform, PlatformSettings settings) {
        Service service = ChildService.of(
                platform,
                settings.roleName(Role.API),
                Role.API.id(),
                settings.apiServiceType(),
                ChildService.port("http", PlatformSettings.HTTP_PORT).build());
        if (!settings.apiServiceAnnotations().isEmpty()) {
            service.getMetadata().setAnnotations(new LinkedHashMap<>(settings.apiServiceAnnotations()));
        }
        return service;
    }

    /** The gRPC address the api role calls ({@code GRPC_ADDRESS=<name>-delivery:50051}). */
    public static Service delivery(WebhookPlatform platform, PlatformSettings settings) {
        return ChildService.of(
                platform,
                settings.roleName(Role.DELIVERY),
                Role.DELIVERY.id(),
                "ClusterIP",
                ChildService.port("grpc", PlatformSettings.GRPC_PORT)
                        .withAppProtocol("grpc")
                        .build());
    }

    /** An Ingress to the api Service when spec.api.ingress asks for one; TLS with the named Secret. */
    public static Optional<Ingress> ingress(WebhookPlatform platform, PlatformSettings settings) {
        return settings.apiIngress().map(spec -> {
            IngressBuilder ingress = new IngressBuilder()
                    .withMetadata(ChildMetadata.of(platform, settings.roleName(Role.API), Role.API.id()))
                    .editMetadata()
                    .withAnnotations(spec.annotations().isEmpty() ? null : new LinkedHashMap<>(spec.annotations()))
                    .endMetadata()
                    .withNewSpec()
                    .withIngressClassName(spec.className().orElse(null))
                    .addNewRule()
                    .withHost(spec.host())
                    .withNewHttp()
                    .addNewPath()
                    .withPath("/")
                    .withPathType("Prefix")
                    .withNewBackend()
                    .withNewService()
                    .withName(settings.roleName(Role.API))
                    .withNewPort()
                    .withName("http")
                    .endPort()
                    .endService()
                    .endBackend()
                    .endPath()
                    .endHttp()
                    .endRule()
                    .endSpec();
            spec.tlsSecretName()
                    .ifPresent(secret -> ingress.editSpec()
                            .addNewTl()
                            .withHosts(spec.host())
                            .withSecretName(secret)
                            .endTl()
                            .endSpec());
            return ingress.build();
        });
    }

    /** At most one pod of a role down at a time during voluntary disruptions; none for single-replica roles. */
    public static Optional<PodDisruptionBudget> disruptionBudget(
            WebhookPlatform platform, PlatformSettings settings, Role role) {
        if (settings.replicas(role) <= 1) {
            return Optional.empty();
        }
        return Optional.of(new PodDisruptionBudgetBuilder()
                .withMetadata(ChildMetadata.of(platform, settings.roleName(role), role.id()))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(Labels.selector(platform, role.id()))
                .endSelector()
                .endSpec()
                .build());
    }
}
