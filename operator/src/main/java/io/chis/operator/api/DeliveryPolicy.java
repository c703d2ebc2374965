package io.chis.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Retry, backoff, timeout and rate settings that endpoints refer to by name. */
@Group(WebhookPlatform.GROUP)
@Version(WebhookPlatform.VERSION)
@ShortNames("dpol")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Retries", jsonPath = ".status.maxRetries", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".status.schedule")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class DeliveryPolicy extends CustomResource<DeliveryPolicySpec, DeliveryPolicyStatus> implements Namespaced {
    @Override
    protected DeliveryPolicySpec initSpec() {
        return new DeliveryPolicySpec();
    }
}
