package io.chis.runtime.signing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An account's signing secret, as stored and as {@code GET /api/signing-secret} shows it: the current {@code whsec_}
 * secret and, only during a rotation's overlap, the previous one and when it stops being valid (absent otherwise).
 */
public record SigningSecretView(
        String secret,
        @JsonInclude(JsonInclude.Include.NON_NULL) String previousSecret,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant previousValidUntil) {}
