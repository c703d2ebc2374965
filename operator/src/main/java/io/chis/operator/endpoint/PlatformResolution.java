package io.chis.operator.endpoint;

import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.WebhookPlatform;
import java.util.Collection;
import java.util.List;

/** Which WebhookPlatform an endpoint belongs to: the one its {@code platformRef} names, else the only one in its namespace. */
public final class PlatformResolution {
    private PlatformResolution() {}

    /**
     * @param inNamespace every WebhookPlatform in the endpoint's namespace
     * @throws SyncProblem PlatformNotFound or PlatformAmbiguous
     */
    public static WebhookPlatform resolve(
            String platformRef, String namespace, Collection<WebhookPlatform> inNamespace) {
        if (platformRef != null && !platformRef.isBlank()) {
            return inNamespace.stream()
                    .filter(p -> platformRef.equals(p.getMetadata().getName()))
                    .findFirst()
                    .orElseThrow(() -> new SyncProblem(
                            SyncProblem.PLATFORM_NOT_FOUND,
                            "WebhookPlatform " + platformRef + " does not exist in namespace " + namespace,
                            false));
        }
        List<String> names = inNamespace.stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
        if (names.isEmpty()) {
            throw new SyncProblem(
                    SyncProblem.PLATFORM_NOT_FOUND, "no WebhookPlatform in namespace " + namespace, false);
        }
        if (names.size() > 1) {
            throw new SyncProblem(
                    SyncProblem.PLATFORM_AMBIGUOUS,
                    "namespace " + namespace + " has " + names.size() + " WebhookPlatforms (" + String.join(", ", names)
                            + "): set spec.platformRef",
                    false);
        }
        return inNamespace.iterator().next();
    }

    /** Whether an endpoint with this {@code platformRef} may belong to {@code platform} (for routing platform events). */
    public static boolean mayUse(String platformRef, WebhookPlatform platform) {
        return platformRef == null
                || platformRef.isBlank()
                || platformRef.equals(platform.getMetadata().getName());
    }
}
