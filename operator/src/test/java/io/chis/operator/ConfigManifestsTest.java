package io.chis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEventType;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.install.OperatorPermissions;
import io.chis.operator.platform.PlatformSettings;
import io.chis.operator.platform.PlatformValidation;
import io.chis.operator.policy.DeliveryPolicyReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** config/ is what people install: the samples must be valid and the RBAC must cover what the operator does. */
class ConfigManifestsTest {
    private static final Path CONFIG = Path.of("..", "config");

    private static <T> T load(String file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(CONFIG.resolve(file))) {
            return Serialization.unmarshal(in, type);
        }
    }

    @Test
    void theSamplesAreValidResources() throws IOException {
        WebhookPlatform platform = load("samples/chis_v1alpha1_webhookplatform.yaml", WebhookPlatform.class);
        platform.getMetadata().setNamespace("chis");
        assertThat(PlatformValidation.validate(platform, PlatformSettings.of(platform), name -> Optional.empty()))
                .isEmpty();
        assertThat(PlatformSettings.of(platform).managedPostgres()).isPresent();

        DeliveryPolicy policy = load("samples/chis_v1alpha1_deliverypolicy.yaml", DeliveryPolicy.class);
        assertThat(DeliveryPolicyReconciler.status(policy, Instant.now()).getSchedule())
                .isEqualTo("1s,2s,4s,8s,16s");
        assertThat(platform.getSpec().getDefaultPolicy())
                .isEqualTo(policy.getMetadata().getName());

        WebhookEndpoint endpoint = load("samples/chis_v1alpha1_webhookendpoint.yaml", WebhookEndpoint.class);
        assertThat(endpoint.getSpec().getUrl()).matches("^https?://[^\\s/$.?#][^\\s]*$");
        assertThat(endpoint.getSpec().getPlatformRef())
                .isEqualTo(platform.getMetadata().getName());
        assertThat(endpoint.getSpec().getPolicyRef())
                .isEqualTo(policy.getMetadata().getName());

        WebhookEventType eventType = load("samples/chis_v1alpha1_webhookeventtype.yaml", WebhookEventType.class);
        assertThat(eventType.getSpec().getOwner()).isEqualTo(endpoint.getSpec().getOwner());
        assertThat(eventType.getSpec().getSchema().get("required").size()).isEqualTo(3);
    }

    /** The same list the chart's RBAC and the running operator's requests are held to (io.chis.operator.install). */
    @Test
    void theRbacGrantsExactlyWhatTheOperatorNeeds() throws IOException {
        assertThat(OperatorPermissions.grantedBy(
                        load("rbac/role.yaml", ClusterRole.class).getRules()))
                .isEqualTo(OperatorPermissions.inWatchedNamespaces());
        String leaderElectionYaml = Files.readString(CONFIG.resolve("rbac/leader_election_role.yaml"));
        List<PolicyRule> leaderElection = java.util.Arrays.stream(leaderElectionYaml.split("(?m)^---$"))
                .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
                .filter(Role.class::isInstance)
                .map(r -> ((Role) r).getRules())
                .findFirst()
                .orElseThrow();
        assertThat(OperatorPermissions.grantedBy(leaderElection)).isEqualTo(OperatorPermissions.forLeaderElection());
    }

    @Test
    void theManagerRunsTheOperatorImageLockedDownWithItsProbes() throws IOException {
        Deployment manager = load("manager/manager.yaml", Deployment.class);
        var container =
                manager.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("ghcr.io/chis-io/chis-operator:0.1.0");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(manager.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getRunAsNonRoot())
                .isTrue();
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8081));
        assertThat(container.getEnv())
                .extracting(e -> e.getName())
                .contains("POD_NAME", "POD_NAMESPACE", "WATCH_NAMESPACES");
    }
}
