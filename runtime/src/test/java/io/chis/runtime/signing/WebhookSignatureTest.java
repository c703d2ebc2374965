package io.chis.runtime.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.SigningSecret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // The example from the Standard Webhooks specification.
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330L;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void matchesTheSpecificationExample() {
        assertThat(WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void rotationSignsWithEverySecret() {
        String other = SigningSecret.generate();
        String header = WebhookSignature.header(List.of(other, SECRET), ID, TIMESTAMP, BODY);
        assertThat(header.split(" "))
                .containsExactly(
                        WebhookSignature.sign(other, ID, TIMESTAMP, BODY),
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void newSecretsCarry192BitsOfKey() {
        String secret = SigningSecret.generate();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(24);
        assertThat(SigningSecret.generate()).isNotEqualTo(secret);
    }
}
