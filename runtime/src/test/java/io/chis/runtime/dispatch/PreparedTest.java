package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.policy.DeliveryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Preparing an attempt: a signed request, or a refusal that never reaches the network. */
class PreparedTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant AT = Instant.ofEpochSecond(1_700_000_000);
    private static final DeliveryPolicy POLICY = DeliveryPolicy.defaults(Duration.ofSeconds(5));

    private static Claimed delivery(String url) {
        return new Claimed(
                UUID.randomUUID(),
                UUID.randomUUID(),
                url,
                null,
                0,
                0,
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                UUID.randomUUID(),
                List.of(SECRET),
                java.time.Instant.EPOCH,
                false,
                null,
                null);
    }

    @Test
    void aRequestCarriesTheEndpointsHeadersAndTheSignatureAsOfItsTime() {
        Claimed delivery = delivery("https://receiver.example/hook");
        var target = new Target(List.of(SECRET), Map.of("X-Tenant", "t1"), POLICY, UUID.randomUUID());

        var request = (Prepared.Request) Prepared.of(delivery, target, AT);

        assertThat(request.url().toString()).isEqualTo("https://receiver.example/hook");
        assertThat(request.headers())
                .containsEntry("X-Tenant", "t1")
                .containsEntry(WebhookHeaders.ID, delivery.messageId().toString())
                .containsEntry(WebhookHeaders.TIMESTAMP, "1700000000")
                .containsKey(WebhookHeaders.SIGNATURE);
        assertThat(StandardWebhooksVerifier.verify(
                        SECRET,
                        request.headers().get(WebhookHeaders.ID),
                        request.headers().get(WebhookHeaders.TIMESTAMP),
                        request.headers().get(WebhookHeaders.SIGNATURE),
                        delivery.payload(),
                        AT))
                .isTrue();
    }

    @Test
    void aUrlThatCannotBeRequestedOrAMissingSecretIsRefused() {
        var target = new Target(List.of(SECRET), Map.of(), POLICY, null);
        assertThat(Prepared.of(delivery("ftp://receiver.example/hook"), target, AT))
                .isInstanceOfSatisfying(
                        Prepared.Refused.class,
                        r -> assertThat(r.rejection().error()).startsWith("cannot request this URL"));
        assertThat(Prepared.of(
                        delivery("https://receiver.example/hook"), new Target(List.of(), Map.of(), POLICY, null), AT))
                .isInstanceOfSatisfying(
                        Prepared.Refused.class,
                        r -> assertThat(r.rejection().error()).isEqualTo("the account has no signing secret"));
    }
}
