package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Scheduling of the platform's pods: the spec's fields passed through, a default spread for replicated roles. */
class PodPlacementTest {
    private static WebhookPlatform platform() {
        return Platforms.stored(Platforms.managed("shop", "acme"));
    }

    private static PodSpec pod(WebhookPlatform platform, Role role) {
        PlatformSettings settings = PlatformSettings.of(platform);
        return RoleDeployment.desired(platform, settings, role, ConnectionRefs.of(settings), "h")
                .getSpec()
                .getTemplate()
                .getSpec();
    }

    @Test
    void replicatedRolesSpreadAcrossZonesAndNodesWithoutRefusingToSchedule() {
        WebhookPlatform platform = platform();
        platform.getSpec().setWorker(Platforms.worker(3, null));
        WebhookPlatformSpec.ApiSpec api = new WebhookPlatformSpec.ApiSpec();
        api.setAutoscaling(new WebhookPlatformSpec.AutoscalingSpec());
        platform.getSpec().setApi(api);

        List<TopologySpreadConstraint> worker = pod(platform, Role.WORKER).getTopologySpreadConstraints();
        assertThat(worker)
                .extracting(TopologySpreadConstraint::getTopologyKey)
                .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        assertThat(worker).allSatisfy(c -> {
            assertThat(c.getMaxSkew()).isEqualTo(1);
            assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
            assertThat(c.getLabelSelector().getMatchLabels()).isEqualTo(Labels.selector(platform, "worker"));
        });
        assertThat(pod(platform, Role.API).getTopologySpreadConstraints())
                .as("an autoscaled role may run up to maxReplicas")
                .hasSize(2);
        assertThat(pod(platform, Role.SCHEDULER).getTopologySpreadConstraints())
                .as("one pod has nothing to spread")
                .isEmpty();
        assertThat(pod(platform, Role.SCHEDULER).getPriorityClassName()).isNull();
    }

    @Test
    void theSpecsSchedulingFieldsReachTheRolesPodAndAnEmptySpreadTurnsTheDefaultOff() {
        WebhookPlatform platform = platform();
        WebhookPlatformSpec.WorkerSpec worker = Platforms.worker(4, null);
        worker.setPriorityClassName("chis-critical");
        worker.setNodeSelector(Map.of("pool", "workers"));
        worker.setTolerations(List.of(new TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Equal")
                .withValue("chis")
                .withEffect("NoSchedule")
                .build()));
        worker.setAffinity(new AffinityBuilder()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey("arch")
                .withOperator("In")
                .withValues("arm64")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build());
        // without a labelSelector a constraint would count no pods: it gets the role's
        worker.setTopologySpreadConstraints(List.of(new TopologySpreadConstraintBuilder()
                .withMaxSkew(2)
                .withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("DoNotSchedule")
                .build()));
        platform.getSpec().setWorker(worker);
        WebhookPlatformSpec.RoleSpec delivery = new WebhookPlatformSpec.RoleSpec();
        delivery.setReplicas(2);
        delivery.setTopologySpreadConstraints(List.of());
        platform.getSpec().setDelivery(delivery);

        PodSpec pod = pod(platform, Role.WORKER);
        assertThat(pod.getPriorityClassName()).isEqualTo("chis-critical");
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "workers"));
        assertThat(pod.getTolerations()).isEqualTo(worker.getTolerations());
        assertThat(pod.getAffinity()).isEqualTo(worker.getAffinity());
        assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(c -> {
            assertThat(c.getMaxSkew()).isEqualTo(2);
            assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
            assertThat(c.getLabelSelector().getMatchLabels()).isEqualTo(Labels.selector(platform, "worker"));
        });
        assertThat(worker.getTopologySpreadConstraints().get(0).getLabelSelector())
                .as("the spec is never written")
                .isNull();
        assertThat(pod(platform, Role.DELIVERY).getTopologySpreadConstraints()).isEmpty();
        assertThat(pod(platform, Role.API).getNodeSelector()).as("per role").isEmpty();
    }

    @Test
    void theBuiltInStoresTakeTheirOwnSchedulingFields() {
        WebhookPlatform platform = platform();
        platform.getSpec().getDatabase().getManaged().setNodeSelector(Map.of("disk", "ssd"));
        platform.getSpec().getDatabase().getManaged().setPriorityClassName("chis-data");
        platform.getSpec()
                .getRedis()
                .getManaged()
                .setTolerations(List.of(new TolerationBuilder()
                        .withKey("memory")
                        .withOperator("Exists")
                        .build()));
        PlatformSettings settings = PlatformSettings.of(platform);

        PodSpec postgres = ManagedPostgres.statefulSet(platform, settings, Optional.empty())
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(postgres.getNodeSelector()).isEqualTo(Map.of("disk", "ssd"));
        assertThat(postgres.getPriorityClassName()).isEqualTo("chis-data");
        assertThat(postgres.getTopologySpreadConstraints()).isEmpty();
        PodSpec redis = ManagedRedis.deployment(platform, settings)
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(redis.getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("memory"));
        assertThat(redis.getNodeSelector()).isEmpty();
    }
}
