package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Hashes;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * {@code chis-runtime.jar migrate} as a Job. Its name carries a hash of the image and the database URL, so a new
 * image (or another database) runs a new Job, and the role Deployments roll only once it has succeeded.
 */
public final class MigrationJob {
    static final String COMPONENT = "migration";

    private MigrationJob() {}

    public static String name(PlatformSettings settings, String databaseUrl) {
        return settings.name() + "-migrate-" + Hashes.shortSha256(settings.image(), databaseUrl);
    }

    public static Job desired(
            WebhookPlatform platform, PlatformSettings settings, ConnectionRefs refs, String databaseUrl) {
        return new JobBuilder()
                .withMetadata(ChildMetadata.of(platform, name(settings, databaseUrl), COMPONENT))
                .withNewSpec()
                .withBackoffLimit(4)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Labels.selector(platform, COMPONENT))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withSecurityContext(RoleDeployment.podSecurity())
                .addNewContainer()
                .withName(RoleDeployment.RUNTIME_CONTAINER)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs("migrate")
                .withEnv(RoleDeployment.fromSecret("DATABASE_URL", refs.databaseUrl()))
                .withResources(settings.resources(Role.DELIVERY))
                .withSecurityContext(RoleDeployment.containerSecurity())
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
