package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Metadata of every child: name, namespace, labels and the controller owner reference that lets GC delete it. */
final class ChildMetadata {
    private ChildMetadata() {}

    static ObjectMeta of(WebhookPlatform platform, String name, String component) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(platform.getMetadata().getNamespace())
                .withLabels(Labels.of(platform, component))
                .withOwnerReferences(ownerReference(platform))
                .build();
    }

    static OwnerReference ownerReference(WebhookPlatform platform) {
        return new OwnerReferenceBuilder()
                .withApiVersion(platform.getApiVersion())
                .withKind(platform.getKind())
                .withName(platform.getMetadata().getName())
                .withUid(platform.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
