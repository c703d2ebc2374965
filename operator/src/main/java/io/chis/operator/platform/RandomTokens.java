package io.chis.operator.platform;

import java.security.SecureRandom;

/** Generates the passwords and keys the operator puts into Secrets. */
@FunctionalInterface
public interface RandomTokens {
    /** A random string of {@code length} characters from [A-Za-z0-9] (URL-safe, so it can sit in a connection URL). */
    String alphanumeric(int length);

    static RandomTokens secure() {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return length -> {
            StringBuilder token = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                token.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return token.toString();
        };
    }
}
