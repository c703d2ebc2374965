package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.Optional;

/** The Services in front of the api and delivery roles, and the disruption budgets of replicated roles. */
public final class RoleServices {
    private RoleServices() {}

    /** The REST API; LoadBalancer by default, as in the seed. */
    public static Service api(WebhookPlatform platform, PlatformSettings settings) {
        Service service = ChildService.of(
                platform,
                settings.roleName(Role.API),
                Role.API.id(),
                settings.apiServiceType(),
                ChildService.port("http", PlatformSettings.HTTP_PORT).build());
        if (!settings.apiServiceAnnotations().isEmpty()) {
            service.getMetadata().setAnnotations(new java.util.LinkedHashMap<>(settings.apiServiceAnnotations()));
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
