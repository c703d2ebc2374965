package io.chis.runtime.apikey;

import java.time.Instant;
import java.util.UUID;

/** The 201 answer to {@code POST /api/api-key/create}: the only time the key itself is shown. */
public record ApiKeyCreated(UUID id, String name, String apiKey, Instant createdAt) {

    static ApiKeyCreated of(ApiKey saved, String key) {
        return new ApiKeyCreated(saved.id(), saved.name(), key, saved.createdAt());
    }
}
