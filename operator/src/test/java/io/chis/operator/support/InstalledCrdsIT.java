package io.chis.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one way the operator asks whether an engine is installed, against the mock API server's answers. */
@EnableKubernetesMockClient
class InstalledCrdsIT {
    private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/";
    private static final Duration RECHECK = Duration.ofSeconds(30);

    KubernetesMockServer server;
    KubernetesClient client;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aCrdInstalledLaterIsSeenOnceTheRecheckIsDueAndNotReadAgainBefore() {
        InstalledCrds crds = new InstalledCrds(RECHECK, clock);
        assertThat(crds.installed(client, InstalledCrds.CERT_MANAGER_CERTIFICATES))
                .isFalse();

        server.expect()
                .get()
                .withPath(CRDS + InstalledCrds.CERT_MANAGER_CERTIFICATES)
                .andReturn(
                        200,
                        new CustomResourceDefinitionBuilder()
                                .withNewMetadata()
                                .withName(InstalledCrds.CERT_MANAGER_CERTIFICATES)
                                .endMetadata()
                                .build())
                .always();
        int requests = server.getRequestCount();
        now.set(now.get().plus(RECHECK).minusSeconds(1));
        assertThat(crds.installed(client, InstalledCrds.CERT_MANAGER_CERTIFICATES))
                .as("remembered")
                .isFalse();
        assertThat(server.getRequestCount()).isEqualTo(requests);

        now.set(now.get().plusSeconds(1));
        assertThat(crds.installed(client, InstalledCrds.CERT_MANAGER_CERTIFICATES))
                .isTrue();
    }

    @Test
    void aCrdTheOperatorMayNotReadCountsAsNotInstalledInsteadOfFailingTheReconcile() {
        server.expect()
                .get()
                .withPath(CRDS + InstalledCrds.KEDA_SCALED_OBJECTS)
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("customresourcedefinitions is forbidden")
                                .build())
                .always();

        assertThat(new InstalledCrds(RECHECK, clock).installed(client, InstalledCrds.KEDA_SCALED_OBJECTS))
                .isFalse();
    }
}
