package io.chis.operator.endpoint;

import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.SecretKeyRef;
import io.chis.proto.v1.EndpointStats;

/**
 * What one reconcile of a WebhookEndpoint found out. A null part was not learnt this time: its previous status value stays.
 *
 * @param platform      the WebhookPlatform the endpoint resolved to
 * @param secretRef     where its signing secret is
 * @param appliedHash   what the runtime now holds ({@link RuntimeEndpoint#appliedHash})
 * @param stats         the runtime's numbers for it
 * @param policyMissing the endpoint is synced but its DeliveryPolicy is not there (yet)
 * @param problem       why it could not be synced
 */
public record EndpointSync(String platform, SecretKeyRef secretRef, String appliedHash, EndpointStats stats,
                           SyncProblem policyMissing, SyncProblem problem) {

    /** Whether what it waits for is outside the watched resources, so the next look should come soon. */
    public boolean retrySoon() {
        return problem != null && problem.retrySoon() || problem == null && policyMissing != null && policyMissing.retrySoon();
    }
}
