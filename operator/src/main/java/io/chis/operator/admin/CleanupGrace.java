package io.chis.operator.admin;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;

/** How long a deleted resource's finalizer keeps trying an unreachable runtime before it lets the resource go. */
public final class CleanupGrace {
    public static final Duration GRACE = Duration.ofMinutes(5);

    private CleanupGrace() {}

    /** Pure: whether the resource was deleted longer than {@link #GRACE} before {@code now}. */
    public static boolean over(HasMetadata resource, Instant now) {
        String deletedAt = resource.getMetadata().getDeletionTimestamp();
        return deletedAt != null && Instant.parse(deletedAt).plus(GRACE).isBefore(now);
    }
}
