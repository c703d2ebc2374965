package io.chis.operator.admin;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * The WebhookPlatforms that policies and endpoints sync into, watched so that a platform that appears, changes or
 * becomes ready re-triggers the resources of its namespace at once (no waiting for the next periodic pass).
 */
public final class PlatformWatch {
    private PlatformWatch() {}

    /** @param uses whether a primary resource (of the platform's namespace) syncs into the platform */
    public static <P extends HasMetadata> InformerEventSource<WebhookPlatform, P> informer(
            EventSourceContext<P> context, BiPredicate<P, WebhookPlatform> uses) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(WebhookPlatform.class, context.getPrimaryResourceClass())
                        .withName("platforms")
                        .withNamespacesInheritedFromController()
                        .withSecondaryToPrimaryMapper(platform -> context.getPrimaryCache()
                                .list(platform.getMetadata().getNamespace(), primary -> uses.test(primary, platform))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withOnUpdateFilter(PlatformWatch::matters)
                        .build(),
                context);
    }

    /** A platform update matters when its spec changed or it became (or stopped being) Ready; not every status write does. */
    public static boolean matters(WebhookPlatform before, WebhookPlatform after) {
        return !Objects.equals(
                        before.getMetadata().getGeneration(),
                        after.getMetadata().getGeneration())
                || !Objects.equals(ready(before), ready(after));
    }

    /** The platforms of a namespace that can take a sync, by name; those being deleted are left out. */
    public static List<WebhookPlatform> live(InformerEventSource<WebhookPlatform, ?> platforms, String namespace) {
        return platforms
                .list(namespace)
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    private static String ready(WebhookPlatform platform) {
        return Conditions.find(platform.getStatus(), Conditions.READY)
                .map(c -> c.getStatus())
                .orElse(null);
    }
}
