package io.chis.runtime.auth;

import java.time.Instant;
import java.util.UUID;

public record Account(
        UUID id, String email, String passwordHash, String firstName, String lastName, Instant createdAt) {}
