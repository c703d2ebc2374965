package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.Role;
import io.chis.operator.api.Condition;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformStatus;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformStatusBuilderTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-01T10:05:00Z");

    private final WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "acme"));
    private final PlatformSettings settings = PlatformSettings.of(platform);

    private static Deployment deployment(String name, int replicas, int available) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withGeneration(1L)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .endSpec()
                .withNewStatus()
                .withAvailableReplicas(available)
                .withObservedGeneration(1L)
                .endStatus()
                .build();
    }

    private PlatformObservation observed(int available) {
        Map<Role, Deployment> roles = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            roles.put(role, deployment("acme-" + role.id(), 2, available));
        }
        return new PlatformObservation(
                Optional.of(new StatefulSetBuilder()
                        .withNewMetadata()
                        .withName("acme-postgres")
                        .endMetadata()
                        .withNewStatus()
                        .withReadyReplicas(1)
                        .endStatus()
                        .build()),
                Optional.of(deployment("acme-redis", 1, 1)),
                Optional.of("acme-migrate-1"),
                Optional.of(new JobBuilder()
                        .withNewMetadata()
                        .withName("acme-migrate-1")
                        .endMetadata()
                        .withNewStatus()
                        .withSucceeded(1)
                        .endStatus()
                        .build()),
                roles,
                Optional.of(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("acme-api")
                        .endMetadata()
                        .build()),
                false,
                Optional.empty(),
                java.util.List.of());
    }

    @Test
    void readyWhenEveryComponentIsAndNotBefore() {
        WebhookPlatformStatus status = PlatformStatusBuilder.build(platform, settings, List.of(), observed(2), T0);
        assertThat(status.getConditions()).hasSize(8).allMatch(Condition::isTrue);
        assertThat(status.getConditions().stream().filter(c -> c.getType().equals("Ready")))
                .hasSize(1);
        assertThat(status.getApiUrl()).isEqualTo("http://acme-api.shop.svc:8080");

        WebhookPlatformStatus partly = PlatformStatusBuilder.build(platform, settings, List.of(), observed(1), T0);
        Condition ready = Conditions.find(partly, "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("DeploymentUnavailable");
        assertThat(ready.getMessage()).startsWith("ApiAvailable: 1/2 replicas");
    }

    @Test
    void aDeploymentThatHasNotSeenItsNewSpecIsNotAvailable() {
        Deployment stale = deployment("acme-api", 2, 2);
        stale.getMetadata().setGeneration(2L);
        assertThat(PlatformStatusBuilder.available(stale, 2)).isFalse();
        assertThat(PlatformStatusBuilder.available(deployment("acme-api", 2, 2), 2))
                .isTrue();
    }

    @Test
    void transitionTimesMoveOnlyWhenTheStatusChanges() {
        WebhookPlatformStatus first = PlatformStatusBuilder.build(platform, settings, List.of(), observed(1), T0);
        platform.setStatus(first);
        WebhookPlatformStatus same = PlatformStatusBuilder.build(platform, settings, List.of(), observed(1), T1);
        assertThat(Conditions.same(first, same)).isTrue();

        WebhookPlatformStatus better = PlatformStatusBuilder.build(platform, settings, List.of(), observed(2), T1);
        assertThat(Conditions.same(first, better)).isFalse();
        assertThat(Conditions.find(better, "DatabaseReady").orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-11-01T10:00:00Z");
        assertThat(Conditions.find(better, "Ready").orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-11-01T10:05:00Z");
    }

    @Test
    void specProblemsLeadTheReadyCondition() {
        List<SpecProblem> problems = List.of(
                new SpecProblem("DatabaseReady", "DatabaseSecretNotFound", "create Secret pg"),
                new SpecProblem(null, "InvalidImage", "fix the image"));
        WebhookPlatformStatus status = PlatformStatusBuilder.build(platform, settings, problems, observed(2), T0);
        Condition ready = Conditions.find(status, "Ready").orElseThrow();
        assertThat(ready.getReason()).isEqualTo("DatabaseSecretNotFound");
        assertThat(ready.getMessage()).contains("create Secret pg").contains("1 more");
        assertThat(Conditions.find(status, "DatabaseReady").orElseThrow().getReason())
                .isEqualTo("DatabaseSecretNotFound");
        assertThat(Conditions.find(status, "MigrationsApplied").orElseThrow().getStatus())
                .isEqualTo("Unknown");
    }

    @Test
    void theApiUrlIsTheLoadBalancersWhenItHasOne() {
        PlatformObservation base = observed(2);
        PlatformObservation withIngress = new PlatformObservation(
                base.postgres(),
                base.redis(),
                base.migrationJobName(),
                base.migration(),
                base.roles(),
                Optional.of(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("acme-api")
                        .endMetadata()
                        .withNewStatus()
                        .withNewLoadBalancer()
                        .addNewIngress()
                        .withIp("203.0.113.7")
                        .endIngress()
                        .endLoadBalancer()
                        .endStatus()
                        .build()),
                false,
                Optional.empty(),
                java.util.List.of());
        assertThat(PlatformStatusBuilder.apiUrl(settings, withIngress)).isEqualTo("http://203.0.113.7:8080");
    }
}
