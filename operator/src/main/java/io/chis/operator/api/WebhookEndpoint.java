package io.chis.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A receiver URL and the event types it subscribes to, synced into the runtime's endpoint registry. */
@Group(WebhookPlatform.GROUP)
@Version(WebhookPlatform.VERSION)
@ShortNames("whe")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "URL", jsonPath = ".spec.url", priority = 1)
@AdditionalPrinterColumn(
        name = "Delivered",
        jsonPath = ".status.delivered",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Dead", jsonPath = ".status.deadLettered", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class WebhookEndpoint extends CustomResource<WebhookEndpointSpec, WebhookEndpointStatus> implements Namespaced {
    @Override
    protected WebhookEndpointSpec initSpec() {
        return new WebhookEndpointSpec();
    }
}
