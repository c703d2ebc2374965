package io.chis.runtime.apikey;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as stored and as {@code GET /api/api-keys} lists it: its first characters ({@code prefix}) to recognise
 * it, never the key; {@code lastUsedAt} and {@code revokedAt} are null until they happen.
 */
public record ApiKey(UUID id, String name, String prefix, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {}
