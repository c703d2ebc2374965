package io.chis.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An event type of an account's catalog, with the JSON Schema its payloads must satisfy, synced into the runtime. */
@Group(WebhookPlatform.GROUP)
@Version(WebhookPlatform.VERSION)
@ShortNames("whet")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.name")
@AdditionalPrinterColumn(name = "Owner", jsonPath = ".spec.owner", priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class WebhookEventType extends CustomResource<WebhookEventTypeSpec, WebhookEventTypeStatus>
        implements Namespaced {
    @Override
    protected WebhookEventTypeSpec initSpec() {
        return new WebhookEventTypeSpec();
    }
}
