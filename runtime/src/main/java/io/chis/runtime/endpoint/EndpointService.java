package io.chis.runtime.endpoint;

import io.chis.common.SigningSecret;
import io.chis.runtime.auth.Account;
import io.chis.runtime.auth.AccountRepository;
import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.operational.OperationalEvents;
import io.chis.runtime.support.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Endpoints for both of their sources: the REST API (an account's own) and WebhookEndpoint resources applied by the
 * operator (named by {@code ref}). Resource-managed endpoints are changed only through their resource, so GitOps
 * stays the source of truth.
 */
@Service
public class EndpointService {

    private final EndpointRepository endpoints;
    private final AccountRepository accounts;
    private final NamespaceGrants grants;
    private final int maxPerAccount;
    private final OperationalEvents operational;

    public EndpointService(
            EndpointRepository endpoints,
            AccountRepository accounts,
            NamespaceGrants grants,
            ChisSettings settings,
            OperationalEvents operational) {
        this.endpoints = endpoints;
        this.accounts = accounts;
        this.grants = grants;
        this.maxPerAccount = settings.security().maxEndpointsPerAccount();
        this.operational = operational;
    }

    public Mono<Endpoint> create(UUID accountId, EndpointDraft draft) {
        return Mono.fromCallable(draft::validated)
                .flatMap(valid ->
                        belowCap(accountId).then(endpoints.insert(accountId, null, valid, SigningSecret.generate())));
    }

    /** {@code CHIS_MAX_ENDPOINTS_PER_ACCOUNT}: every send fans out to each endpoint, so their number is bounded. */
    private Mono<Void> belowCap(UUID accountId) {
        return endpoints
                .list(accountId)
                .count()
                .flatMap(n -> n < maxPerAccount
                        ? Mono.<Void>empty()
                        : Mono.error(ApiException.conflict("this account has " + n + " endpoints, the most allowed"
                                + " (CHIS_MAX_ENDPOINTS_PER_ACCOUNT=" + maxPerAccount + "); delete one first")));
    }

    public Mono<Endpoint> get(UUID accountId, UUID id) {
        return endpoints.find(accountId, id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    public Mono<EndpointRepository.Health> health(UUID id) {
        return endpoints.health(id);
    }

    public Flux<Endpoint> list(UUID accountId) {
        return endpoints.list(accountId);
    }

    public Mono<Endpoint> replace(UUID accountId, UUID id, EndpointDraft draft) {
        return Mono.fromCallable(draft::validated)
                .flatMap(valid -> editable(accountId, id)
                        .flatMap(existing -> endpoints
                                .update(id, valid)
                                .flatMap(updated -> announce(existing, updated, "disabled over the REST API"))));
    }

    public Mono<Void> delete(UUID accountId, UUID id) {
        return editable(accountId, id).flatMap(existing -> endpoints.delete(id)).then();
    }

    public Mono<Endpoint> rotateSecret(UUID accountId, UUID id) {
        return editable(accountId, id).flatMap(existing -> endpoints.rotateSecret(id, SigningSecret.generate()));
    }

    /** Creates or updates the endpoint a resource declares; a changed secret starts a rotation. */
    public Mono<Endpoint> applyDeclared(String ref, String ownerEmail, EndpointDraft draft, String secret) {
        if (secret != null && !secret.isEmpty() && !secret.startsWith(SigningSecret.PREFIX)) {
            return Mono.error(ApiException.badRequest("secret must be a whsec_ secret"));
        }
        return Mono.fromCallable(draft::validated)
                .flatMap(valid -> declaredOwner("ApplyEndpoint", ref, ownerEmail)
                        .flatMap(owner -> endpoints
                                .findByRef(ref)
                                .flatMap(existing -> {
                                    if (!existing.accountId().equals(owner.id())) {
                                        // a new owner gets the endpoint afresh: the old owner's history stays with the
                                        // old id
                                        return endpoints.delete(existing.id()).then(Mono.<Endpoint>empty());
                                    }
                                    Mono<Endpoint> updated = endpoints
                                            .update(existing.id(), valid)
                                            .flatMap(e -> announce(
                                                    existing, e, "disabled by its WebhookEndpoint resource " + ref));
                                    return secret == null || secret.isEmpty() || secret.equals(existing.secret())
                                            ? updated
                                            : updated.then(endpoints.rotateSecret(existing.id(), secret));
                                })
                                .switchIfEmpty(Mono.defer(() -> belowCap(owner.id())
                                        .then(endpoints.insert(
                                                owner.id(),
                                                ref,
                                                valid,
                                                secret == null || secret.isEmpty()
                                                        ? SigningSecret.generate()
                                                        : secret))))));
    }

    public Mono<Boolean> deleteDeclared(String ref) {
        return endpoints
                .findByRef(ref)
                .flatMap(existing -> endpoints.delete(existing.id()))
                .defaultIfEmpty(false);
    }

    /**
     * Enabled endpoints of the account subscribed to the event type whose filter the payload passes; the payload
     * is read once, and only when a subscriber has a filter.
     */
    public Mono<List<Endpoint>> subscribers(UUID accountId, String eventType, byte[] payload) {
        return endpoints.subscribers(accountId, eventType, payload);
    }

    /** A change of {@code disabled} by its owner is an operational event. */
    private Mono<Endpoint> announce(Endpoint before, Endpoint after, String disabledHow) {
        if (before.disabled() == after.disabled()) return Mono.just(after);
        return (after.disabled()
                        ? operational.endpointDisabled(after, OperationalEvents.DisableCause.MANUAL, disabledHow)
                        : endpoints.restartFailureWindow(after.id()).then(operational.endpointEnabled(after)))
                .thenReturn(after);
    }

    private Mono<Endpoint> editable(UUID accountId, UUID id) {
        return get(accountId, id)
                .flatMap(existing -> existing.ref() == null
                        ? Mono.just(existing)
                        : Mono.error(ApiException.conflict("endpoint is managed by the WebhookEndpoint resource "
                                + existing.ref() + "; change it there")));
    }

    /**
     * The account a resource ({@code ref} = {@code namespace/name}) names as owner, once it has allowed that namespace
     * to act for it; the same fence for every declared kind (WebhookEndpoint, WebhookEventType).
     */
    public Mono<Account> declaredOwner(String call, String ref, String ownerEmail) {
        int slash = ref.indexOf('/');
        if (slash < 1) return Mono.error(ApiException.badRequest("ref must be namespace/name, got '" + ref + "'"));
        String namespace = ref.substring(0, slash);
        return accounts.findByEmail(ownerEmail)
                .switchIfEmpty(Mono.error(() -> new OwnerNotFoundException(ownerEmail)))
                .filterWhen(owner -> grants.granted(owner.id(), namespace))
                .switchIfEmpty(Mono.error(() -> new OwnerConsentMissingException(call, ownerEmail, namespace)));
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("no endpoint with id " + id);
    }

    /** The owner account has not allowed the resource's namespace to act for it ({@code POST /api/namespace-grants}). */
    public static final class OwnerConsentMissingException extends RuntimeException {
        public OwnerConsentMissingException(String call, String email, String namespace) {
            super(
                    call + " refused: account " + email + " has no namespace grant for " + namespace
                            + "; signed in as that account, POST /api/namespace-grants {\"namespace\": \"" + namespace
                            + "\"}",
                    null,
                    false,
                    false);
        }
    }

    /** The account a resource names as owner does not exist (yet). */
    public static final class OwnerNotFoundException extends RuntimeException {
        public OwnerNotFoundException(String email) {
            super("no account with email " + email + "; register it first", null, false, false);
        }
    }
}
