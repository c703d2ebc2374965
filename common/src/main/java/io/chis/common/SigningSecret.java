package io.chis.common;

import java.security.SecureRandom;
import java.util.Base64;

/** Standard Webhooks signing secrets: {@code whsec_} followed by the base64 of the HMAC key. */
public final class SigningSecret {

    public static final String PREFIX = "whsec_";
    private static final int KEY_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecret() {}

    /** A new secret with a 192-bit key. */
    public static String generate() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key of a secret; a bare base64 key (no prefix) is accepted too. */
    public static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }

    /** Whether the text is a {@code whsec_} secret with a non-empty base64 key. */
    public static boolean isValid(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() == PREFIX.length()) return false;
        try {
            return key(secret).length > 0;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
