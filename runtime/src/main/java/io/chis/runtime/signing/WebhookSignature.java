package io.chis.runtime.signing;

import io.chis.common.SigningSecret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}, where the
 * key is the base64 part of a {@code whsec_} secret. During a rotation the header lists one signature per secret.
 */
public final class WebhookSignature {

    private WebhookSignature() {}

    public static String sign(String secret, String messageId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SigningSecret.key(secret), "HmacSHA256"));
            mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The {@code webhook-signature} header value: one signature per secret, space separated. */
    public static String header(List<String> secrets, String messageId, long timestamp, byte[] body) {
        return secrets.stream().map(s -> sign(s, messageId, timestamp, body)).collect(Collectors.joining(" "));
    }

    /** The secrets a delivery is signed with: the current one, then the previous one during a rotation; none without one. */
    public static List<String> inUse(String current, String previous) {
        if (current == null) return List.of();
        return previous == null ? List.of(current) : List.of(current, previous);
    }
}
