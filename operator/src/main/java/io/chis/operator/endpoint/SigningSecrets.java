package io.chis.operator.endpoint;

import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The signing Secret generated for an endpoint that names none: {@code <endpoint>-signing}, owned by the endpoint. */
public final class SigningSecrets {
    public static final String KEY = "secret";
    static final String COMPONENT = "signing-secret";

    private SigningSecrets() {}

    public static String name(WebhookEndpoint endpoint) {
        return endpoint.getMetadata().getName() + "-signing";
    }

    public static SecretKeyRef ref(WebhookEndpoint endpoint) {
        return new SecretKeyRef(name(endpoint), KEY);
    }

    public static Secret desired(WebhookEndpoint endpoint, String value) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name(endpoint))
                .withNamespace(endpoint.getMetadata().getNamespace())
                .withLabels(Labels.of(endpoint, COMPONENT))
                // deleting the endpoint deletes its secret
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(endpoint.getApiVersion())
                        .withKind(endpoint.getKind())
                        .withName(endpoint.getMetadata().getName())
                        .withUid(endpoint.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(KEY, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
                .build();
    }
}
