package io.chis.runtime.auth;

import java.time.Instant;
import java.util.UUID;

/** @param tokenVersion bumped by logout and password change; JWTs issued under an older one are refused */
public record Account(
        UUID id,
        String email,
        String passwordHash,
        String firstName,
        String lastName,
        Instant createdAt,
        int tokenVersion) {

    public Account(UUID id, String email, String passwordHash, String firstName, String lastName, Instant createdAt) {
        this(id, email, passwordHash, firstName, lastName, createdAt, 0);
    }
}
