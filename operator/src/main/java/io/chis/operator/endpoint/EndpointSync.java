package io.chis.operator.endpoint;

import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.SecretKeyRef;
import io.chis.proto.v1.EndpointStats;
import java.util.Optional;

/** What one reconcile of a WebhookEndpoint found out: synced into its runtime, or not. */
public sealed interface EndpointSync {

    /** Whether what it waits for is outside the watched resources, so the next look should come soon. */
    boolean retrySoon();

    /**
     * The runtime holds the endpoint.
     *
     * @param platform      the WebhookPlatform the endpoint resolved to
     * @param secretRef     where its signing secret is
     * @param appliedHash   what the runtime now holds ({@link RuntimeEndpoint#appliedHash})
     * @param stats         the runtime's numbers for it
     * @param policyMissing its DeliveryPolicy is not there (yet)
     */
    record Synced(
            String platform,
            SecretKeyRef secretRef,
            String appliedHash,
            EndpointStats stats,
            Optional<SyncProblem> policyMissing)
            implements EndpointSync {
        @Override
        public boolean retrySoon() {
            return policyMissing.map(SyncProblem::retrySoon).orElse(false);
        }
    }

    /** It could not be synced; what was learnt before the problem is kept, the rest keeps its last status value. */
    record Failed(Optional<String> platform, Optional<SecretKeyRef> secretRef, SyncProblem problem)
            implements EndpointSync {
        static Failed of(SyncProblem problem) {
            return new Failed(Optional.empty(), Optional.empty(), problem);
        }

        @Override
        public boolean retrySoon() {
            return problem.retrySoon();
        }
    }
}
