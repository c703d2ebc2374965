package io.chis.operator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.platform.PlatformSecrets;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;

class SigningSecretsTest {
    @Test
    void theGeneratedSecretBelongsToTheEndpoint() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        Secret secret = SigningSecrets.desired(endpoint, "whsec_abc");

        assertThat(secret.getMetadata().getName()).isEqualTo("orders-signing");
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(secret.getMetadata().getLabels())
                .containsEntry(Labels.MANAGED_BY, Labels.OPERATOR)
                .containsEntry(Labels.COMPONENT, "signing-secret");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("WebhookEndpoint");
            assertThat(ref.getUid()).isEqualTo("uid-orders");
            assertThat(ref.getController()).isTrue();
        });
        assertThat(PlatformSecrets.value(secret, SigningSecrets.KEY)).contains("whsec_abc");
        assertThat(SigningSecrets.ref(endpoint).getName()).isEqualTo("orders-signing");
    }
}
