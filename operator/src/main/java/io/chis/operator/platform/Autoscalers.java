package io.chis.operator.platform;

import io.chis.common.Role;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.PlatformScaling.Autoscaling;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who sets an autoscaled role's replicas: KEDA's ScaledObject on the worker's backlog in the chis-workers group when
 * KEDA is installed and Redis is the platform's own, else an autoscaling/v2 HPA on CPU. Pure builders.
 */
public final class Autoscalers {
    public static final String KEDA = "keda";
    public static final String HPA = "hpa";
    public static final String NONE = "none";

    public static final ResourceDefinitionContext SCALED_OBJECT = keda("ScaledObject", "scaledobjects");
    public static final ResourceDefinitionContext TRIGGER_AUTHENTICATION =
            keda("TriggerAuthentication", "triggerauthentications");
    /** The runtime's work stream and consumer group (RedisWorkQueue). */
    static final String STREAM = "chis:deliveries";

    static final String GROUP = "chis-workers";

    private Autoscalers() {}

    /** keda, hpa or none. KEDA reads the password from the managed Redis' Secret; an external URL is not passed on. */
    public static String kind(PlatformSettings settings, Role role, boolean kedaInstalled) {
        if (settings.scaling().autoscaling(role).isEmpty()) {
            return NONE;
        }
        return role == Role.WORKER && kedaInstalled && settings.managedRedis().isPresent() ? KEDA : HPA;
    }

    public static HorizontalPodAutoscaler hpa(WebhookPlatform platform, PlatformSettings settings, Role role) {
        Autoscaling autoscaling = settings.scaling().autoscaling(role).orElseThrow();
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(ChildMetadata.of(platform, settings.roleName(role), role.id()))
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(settings.roleName(role))
                .endScaleTargetRef()
                .withMinReplicas(autoscaling.minReplicas())
                .withMaxReplicas(autoscaling.maxReplicas())
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(autoscaling.targetCpuUtilization())
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .build();
    }

    /** KEDA's redis-streams trigger on the worker Deployment: pending and waiting entries of chis-workers per pod. */
    public static GenericKubernetesResource scaledObject(WebhookPlatform platform, PlatformSettings settings) {
        Autoscaling autoscaling = settings.scaling().autoscaling(Role.WORKER).orElseThrow();
        String name = settings.roleName(Role.WORKER);
        String target = String.valueOf(autoscaling.targetBacklogPerReplica());
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "redis-streams");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("address", settings.serviceHost(settings.redisName()) + ":" + PlatformSettings.REDIS_PORT);
        metadata.put("stream", STREAM);
        metadata.put("consumerGroup", GROUP);
        metadata.put("pendingEntriesCount", target);
        // lag (entries not yet read by the group) counts work no pod has claimed; KEDA uses it on Redis 7
        metadata.put("lagCount", target);
        trigger.put("metadata", metadata);
        trigger.put("authenticationRef", Map.of("name", name));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", name));
        spec.put("minReplicaCount", autoscaling.minReplicas());
        spec.put("maxReplicaCount", autoscaling.maxReplicas());
        spec.put("triggers", List.of(trigger));
        return generic(platform, SCALED_OBJECT, name, Role.WORKER.id(), spec);
    }

    /** The Redis password for KEDA's scaler, from the platform's Redis Secret. */
    public static GenericKubernetesResource triggerAuthentication(WebhookPlatform platform, PlatformSettings settings) {
        Map<String, Object> password =
                Map.of("parameter", "password", "name", settings.redisName(), "key", PlatformSecrets.PASSWORD);
        return generic(
                platform,
                TRIGGER_AUTHENTICATION,
                settings.roleName(Role.WORKER),
                Role.WORKER.id(),
                Map.of("secretTargetRef", List.of(password)));
    }

    static GenericKubernetesResource generic(
            WebhookPlatform platform,
            ResourceDefinitionContext kind,
            String name,
            String component,
            Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(kind.getGroup() + "/" + kind.getVersion())
                .withKind(kind.getKind())
                .withMetadata(ChildMetadata.of(platform, name, component))
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    private static ResourceDefinitionContext keda(String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("keda.sh")
                .withVersion("v1alpha1")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }
}
