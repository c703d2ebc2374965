package io.chis.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/** The cache a controller reads its children of one kind from: label-selected, mapped to their owner by owner reference. */
public final class ChildInformers {
    private ChildInformers() {}

    public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> of(
            Class<R> kind, EventSourceContext<P> context) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(kind, context.getPrimaryResourceClass())
                        .withName(kind.getSimpleName())
                        .withNamespacesInheritedFromController()
                        .withLabelSelector(Labels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(context.getPrimaryResourceClass()))
                        .build(),
                context);
    }
}
