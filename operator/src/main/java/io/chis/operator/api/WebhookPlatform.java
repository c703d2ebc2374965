package io.chis.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One Chis installation: the runtime's four roles, their stores and the migration Job. */
@Group(WebhookPlatform.GROUP)
@Version(WebhookPlatform.VERSION)
@ShortNames("whp")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".status.image", priority = 1)
@AdditionalPrinterColumn(name = "API URL", jsonPath = ".status.apiUrl")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class WebhookPlatform extends CustomResource<WebhookPlatformSpec, WebhookPlatformStatus> implements Namespaced {
    public static final String GROUP = "chis.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected WebhookPlatformSpec initSpec() {
        return new WebhookPlatformSpec();
    }
}
