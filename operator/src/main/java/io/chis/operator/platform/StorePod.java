package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Optional;

/**
 * The one pod a managed store runs (PostgreSQL, Redis): a single container as user 999 without privileges, its data
 * on the volume {@value #DATA_VOLUME}, its scheduling from the store's spec. The engines give only what is theirs.
 * Pure.
 *
 * @param dataPath where the container mounts {@value #DATA_VOLUME}
 * @param readOnlyRootFilesystem whether the engine writes nowhere but its data volume
 */
record StorePod(
        String component,
        String image,
        List<String> args,
        List<EnvVar> env,
        int port,
        ResourceRequirements resources,
        String dataPath,
        Probe readiness,
        Probe liveness,
        boolean readOnlyRootFilesystem,
        PodPlacement placement) {
    static final String DATA_VOLUME = "data";

    /** The uid and gid both official images run their engine as. */
    private static final long STORE_USER = 999L;

    LabelSelector selector(WebhookPlatform platform) {
        return new LabelSelectorBuilder()
                .withMatchLabels(Labels.selector(platform, component))
                .build();
    }

    /** @param volumes the pod's volumes; empty where the data volume comes from a volumeClaimTemplate */
    PodTemplateSpec template(WebhookPlatform platform, List<Volume> volumes) {
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Labels.selector(platform, component))
                .endMetadata()
                .withNewSpec()
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(STORE_USER)
                .withFsGroup(STORE_USER)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName(component)
                .withImage(image)
                .withArgs(args)
                .withEnv(env)
                .addNewPort()
                .withName(component)
                .withContainerPort(port)
                .endPort()
                .withResources(resources)
                .addNewVolumeMount()
                .withName(DATA_VOLUME)
                .withMountPath(dataPath)
                .endVolumeMount()
                .withReadinessProbe(readiness)
                .withLivenessProbe(liveness)
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(readOnlyRootFilesystem ? true : null)
                .withNewCapabilities()
                .addToDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .endContainer()
                .withVolumes(volumes)
                .endSpec()
                .build();
        // one pod, so never the default spread of replicated roles
        placement.applyTo(template.getSpec(), Labels.selector(platform, component), false);
        return template;
    }

    /** Inside the cluster only: the roles are a store's one client. */
    static Service service(WebhookPlatform platform, String name, String component, int port) {
        return ChildService.of(
                platform,
                name,
                component,
                "ClusterIP",
                ChildService.port(component, port).build());
    }

    /** A ReadWriteOnce claim of {@code storage}; without a class, the cluster's default StorageClass. */
    static PersistentVolumeClaimSpec claimSpec(String storage, Optional<String> storageClassName) {
        return new PersistentVolumeClaimSpecBuilder()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storageClassName.orElse(null))
                .withNewResources()
                .addToRequests("storage", new Quantity(storage))
                .endResources()
                .build();
    }
}
