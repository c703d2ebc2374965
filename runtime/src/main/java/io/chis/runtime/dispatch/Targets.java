package io.chis.runtime.dispatch;

import io.chis.runtime.dispatch.DeliveryRepository.Claimed;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.policy.DeliveryPolicy;
import io.chis.runtime.policy.PolicyRepository;
import io.chis.runtime.signing.WebhookSignature;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Finds the {@link Target} of a claimed delivery: its endpoint and the endpoint's policy. */
public class Targets {

    private final EndpointRepository endpoints;
    private final PolicyRepository policies;
    private final String defaultPolicy;
    private final DeliveryPolicy builtInPolicy;

    /**
     * @param defaultPolicy {@code CHIS_DEFAULT_POLICY}, or null
     * @param builtInPolicy the policy when none is named or the named one is missing
     */
    public Targets(
            EndpointRepository endpoints,
            PolicyRepository policies,
            String defaultPolicy,
            DeliveryPolicy builtInPolicy) {
        this.endpoints = endpoints;
        this.policies = policies;
        this.defaultPolicy = defaultPolicy;
        this.builtInPolicy = builtInPolicy;
    }

    Mono<Target> of(Claimed delivery) {
        Mono<Target> account = Mono.defer(
                () -> policy(null).map(policy -> new Target(delivery.accountSecrets(), Map.of(), policy, null)));
        if (delivery.endpointId() == null) return account;
        // a deleted endpoint's pending deliveries fall back to the account's secret and the default policy
        return endpoints
                .findById(delivery.endpointId())
                .flatMap(e -> policy(e.policy())
                        .map(policy -> new Target(
                                WebhookSignature.inUse(e.secret(), e.previousSecret()), e.headers(), policy, e.id())))
                .switchIfEmpty(account);
    }

    /** The named policy, else CHIS_DEFAULT_POLICY, else the built-in schedule (also when the named one is missing). */
    private Mono<DeliveryPolicy> policy(String name) {
        String effective = name != null ? name : defaultPolicy;
        return effective == null
                ? Mono.just(builtInPolicy)
                : policies.find(effective).defaultIfEmpty(builtInPolicy);
    }
}
