package io.chis.operator.endpoint;

import io.chis.operator.api.WebhookEndpoint;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** WebhookEndpoint fixtures. */
final class Endpoints {
    private Endpoints() {}

    /** As the API server returns it: with a uid and a generation. */
    static WebhookEndpoint stored(String namespace, String name) {
        WebhookEndpoint endpoint = new WebhookEndpoint();
        endpoint.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withUid("uid-" + name)
                .withGeneration(1L)
                .build());
        endpoint.getSpec().setUrl("https://receiver.example.com/hooks");
        endpoint.getSpec().setOwner("ada@example.com");
        endpoint.getSpec().setEventTypes(List.of("order.*"));
        return endpoint;
    }
}
