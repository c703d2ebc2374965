package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.SigningSecret;
import io.chis.runtime.signing.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookHeadersTest {

    private static final byte[] BODY = "{\"orderId\":1001}".getBytes(StandardCharsets.UTF_8);

    @Test
    void carriesTheStandardWebhooksHeadersAndJson() {
        String secret = SigningSecret.generate();
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = WebhookHeaders.of("msg-1", now, BODY, List.of(secret));

        assertThat(headers)
                .containsEntry("Content-Type", "application/json")
                .containsEntry("webhook-id", "msg-1")
                .containsEntry("webhook-timestamp", String.valueOf(now));
        assertThat(headers.get("User-Agent")).matches("Chis/\\S+");
        assertThat(StandardWebhooksVerifier.verify(
                        secret, "msg-1", String.valueOf(now), headers.get("webhook-signature"), BODY, Instant.now()))
                .isTrue();
    }

    @Test
    void signsWithEverySecretGivenNewestFirst() {
        String current = SigningSecret.generate();
        String previous = SigningSecret.generate();
        String signatures = WebhookHeaders.of("msg-2", 1_700_000_000L, BODY, List.of(current, previous))
                .get("webhook-signature");

        assertThat(signatures.split(" "))
                .containsExactly(
                        WebhookSignature.sign(current, "msg-2", 1_700_000_000L, BODY),
                        WebhookSignature.sign(previous, "msg-2", 1_700_000_000L, BODY));
        Instant then = Instant.ofEpochSecond(1_700_000_000L);
        assertThat(StandardWebhooksVerifier.verify(previous, "msg-2", "1700000000", signatures, BODY, then))
                .isTrue();
        assertThat(StandardWebhooksVerifier.verify(
                        previous, "msg-2", "1700000000", signatures, BODY, then.plusSeconds(301)))
                .as("a stale timestamp is refused")
                .isFalse();
    }

    @Test
    void keptResponseTextIsValidForPostgres() {
        byte[] cut = "ok \u0000 é".getBytes(StandardCharsets.UTF_8);
        byte[] split = java.util.Arrays.copyOf(cut, cut.length - 1); // a UTF-8 sequence cut in half
        assertThat(WebhookClient.text(split)).isEqualTo("ok \uFFFD \uFFFD");
    }
}
