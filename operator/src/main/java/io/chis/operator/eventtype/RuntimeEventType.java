package io.chis.operator.eventtype;

import io.chis.operator.api.WebhookEventType;
import io.chis.operator.api.WebhookEventTypeSpec;
import io.chis.proto.v1.EventTypeSpec;

/** Pure: a WebhookEventType as the runtime's admin API takes it; the runtime checks the name and the schema. */
public final class RuntimeEventType {
    private RuntimeEventType() {}

    /** The event type's identity in the runtime: {@code namespace/name}. */
    public static String ref(WebhookEventType eventType) {
        return eventType.getMetadata().getNamespace() + "/"
                + eventType.getMetadata().getName();
    }

    public static EventTypeSpec of(WebhookEventType eventType) {
        WebhookEventTypeSpec spec = eventType.getSpec();
        return EventTypeSpec.newBuilder()
                .setRef(ref(eventType))
                .setOwnerEmail(text(spec.getOwner()))
                .setName(text(spec.getName()))
                .setDescription(text(spec.getDescription()))
                .setSchema(
                        spec.getSchema() == null || spec.getSchema().isNull()
                                ? ""
                                : spec.getSchema().toString())
                .build();
    }

    private static String text(String value) {
        return value == null ? "" : value.trim();
    }
}
