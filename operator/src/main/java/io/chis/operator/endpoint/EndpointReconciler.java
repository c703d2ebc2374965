package io.chis.operator.endpoint;

import io.chis.common.SigningSecret;
import io.chis.operator.admin.AdminChannels;
import io.chis.operator.admin.AdminClient;
import io.chis.operator.admin.CleanupGrace;
import io.chis.operator.admin.PlatformWatch;
import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEndpointStatus;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.PlatformSecrets;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.ChildConflictException;
import io.chis.operator.support.ChildInformers;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.EventRecorder;
import io.chis.operator.support.ReadyEvents;
import io.chis.proto.v1.EndpointSpec;
import io.chis.proto.v1.EndpointStats;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a WebhookEndpoint into its platform's runtime over the admin API, keeps its delivery stats in status, and
 * removes it from the runtime when the resource is deleted.
 */
@ControllerConfiguration(
        name = EndpointReconciler.NAME,
        fieldManager = ChildApplier.FIELD_MANAGER,
        finalizerName = EndpointReconciler.FINALIZER)
public class EndpointReconciler implements Reconciler<WebhookEndpoint>, Cleaner<WebhookEndpoint> {
    public static final String NAME = "webhookendpoint";
    public static final String FINALIZER = "chis.io/runtime-cleanup";
    static final String RECONCILE_FAILED = "ReconcileFailed";
    private static final Logger log = LoggerFactory.getLogger(EndpointReconciler.class);

    private final AdminChannels channels;
    private final EventRecorder events;
    private final Duration statsInterval;
    private final Duration syncRetry;
    private final Clock clock;
    private InformerEventSource<WebhookPlatform, WebhookEndpoint> platforms;
    private InformerEventSource<DeliveryPolicy, WebhookEndpoint> policies;

    public EndpointReconciler(
            AdminChannels channels, EventRecorder events, Duration statsInterval, Duration syncRetry) {
        this(channels, events, statsInterval, syncRetry, Clock.systemUTC());
    }

    EndpointReconciler(
            AdminChannels channels, EventRecorder events, Duration statsInterval, Duration syncRetry, Clock clock) {
        this.channels = channels;
        this.events = events;
        this.statsInterval = statsInterval;
        this.syncRetry = syncRetry;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, WebhookEndpoint>> prepareEventSources(EventSourceContext<WebhookEndpoint> context) {
        platforms = PlatformWatch.informer(
                context,
                (endpoint, platform) ->
                        PlatformResolution.mayUse(endpoint.getSpec().getPlatformRef(), platform));
        // a policy that appears, changes or gets synced re-triggers the endpoints that follow it
        policies = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DeliveryPolicy.class, WebhookEndpoint.class)
                        .withName("policies")
                        .withNamespacesInheritedFromController()
                        .withSecondaryToPrimaryMapper(policy -> context.getPrimaryCache()
                                .list(
                                        policy.getMetadata().getNamespace(),
                                        endpoint -> mayFollow(
                                                endpoint, policy.getMetadata().getName()))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(),
                context);
        // the generated signing Secret is read from this cache, not fetched on every pass
        return List.of(platforms, policies, ChildInformers.of(Secret.class, context));
    }

    /** An endpoint follows the policy it names, or (naming none) possibly its platform's default one. */
    static boolean mayFollow(WebhookEndpoint endpoint, String policy) {
        String ref = endpoint.getSpec().getPolicyRef();
        return ref == null || ref.isBlank() || policy.equals(ref.trim());
    }

    @Override
    public UpdateControl<WebhookEndpoint> reconcile(WebhookEndpoint endpoint, Context<WebhookEndpoint> context) {
        EndpointSync sync = sync(endpoint, context);
        WebhookEndpointStatus status = EndpointStatusBuilder.build(endpoint, sync, clock.instant());
        ReadyEvents.announce(events, endpoint, endpoint.getStatus(), status, true);
        DisabledEvents.announce(events, endpoint, endpoint.getStatus(), status);
        UpdateControl<WebhookEndpoint> control = Conditions.patchIfChanged(endpoint, status);
        // stats change without any Kubernetes event: look again periodically, sooner while waiting on the runtime
        return control.rescheduleAfter(sync.retrySoon() ? syncRetry : statsInterval);
    }

    @Override
    public ErrorStatusUpdateControl<WebhookEndpoint> updateErrorStatus(
            WebhookEndpoint endpoint, Context<WebhookEndpoint> context, Exception e) {
        // one line: JOSDK's EventProcessor logs the same failure with its stack trace
        log.warn("{} reconcile failed, retrying: {}", ChildApplier.describe(endpoint), e.getMessage());
        WebhookEndpointStatus status = EndpointStatusBuilder.build(
                endpoint,
                EndpointSync.Failed.of(
                        new SyncProblem(RECONCILE_FAILED, "reconcile failed, retrying: " + e.getMessage(), true)),
                clock.instant());
        if (Conditions.same(endpoint.getStatus(), status)) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        ReadyEvents.announce(events, endpoint, endpoint.getStatus(), status, true);
        endpoint.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(endpoint);
    }

    /** Resolve the platform and secret, apply the endpoint when what it should be changed, read its stats. */
    private EndpointSync sync(WebhookEndpoint endpoint, Context<WebhookEndpoint> context) {
        KubernetesClient client = context.getClient();
        String namespace = endpoint.getMetadata().getNamespace();
        WebhookPlatform platform = null;
        SecretKeyRef secretRef = null;
        try {
            platform = PlatformResolution.resolve(
                    endpoint.getSpec().getPlatformRef(),
                    namespace,
                    platforms.list(namespace).toList());
            Signing signing = signingSecret(endpoint, context);
            secretRef = signing.ref();
            EndpointSpec desired = RuntimeEndpoint.of(endpoint, signing.value());
            AdminClient admin = channels.connect(client, platform);
            leavePreviousPlatform(endpoint, platform, client);
            String hash = RuntimeEndpoint.appliedHash(desired, platform);
            EndpointStats stats = applyAndRead(endpoint, admin, desired, !hash.equals(appliedHash(endpoint)));
            return new EndpointSync.Synced(
                    platform.getMetadata().getName(), secretRef, hash, stats, policyMissing(endpoint, platform, stats));
        } catch (SyncProblem problem) {
            return new EndpointSync.Failed(
                    Optional.ofNullable(platform).map(p -> p.getMetadata().getName()),
                    Optional.ofNullable(secretRef),
                    problem);
        }
    }

    /** What the runtime holds by the last status; the hash covers the platform, so a move never matches. */
    private static String appliedHash(WebhookEndpoint endpoint) {
        return endpoint.getStatus() == null ? null : endpoint.getStatus().getAppliedHash();
    }

    private EndpointStats applyAndRead(
            WebhookEndpoint endpoint, AdminClient admin, EndpointSpec desired, boolean changed) {
        try {
            if (changed) {
                apply(endpoint, admin, desired);
            }
            try {
                return admin.stats(desired.getRef());
            } catch (StatusRuntimeException e) {
                if (changed || e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                // the runtime lost it (a new database): apply it again
                apply(endpoint, admin, desired);
                return admin.stats(desired.getRef());
            }
        } catch (StatusRuntimeException e) {
            throw admin.problem(e)
                    .forEndpoint(
                            endpoint.getSpec().getOwner(),
                            endpoint.getMetadata().getNamespace());
        }
    }

    private static void apply(WebhookEndpoint endpoint, AdminClient admin, EndpointSpec desired) {
        String id = admin.applyEndpoint(desired);
        log.info(
                "{} applied to WebhookPlatform {} as endpoint {}",
                ChildApplier.describe(endpoint),
                admin.platform(),
                id);
    }

    /** The spec's Secret key, or the generated {@code <endpoint>-signing} Secret (created once, then kept). */
    private Signing signingSecret(WebhookEndpoint endpoint, Context<WebhookEndpoint> context) {
        String namespace = endpoint.getMetadata().getNamespace();
        SecretKeyRef ref = endpoint.getSpec().getSecretRef();
        Secret secret;
        if (ref != null) {
            // the user's own Secret is not a labelled child, so it is not in a cache
            secret = context.getClient()
                    .secrets()
                    .inNamespace(namespace)
                    .withName(ref.getName())
                    .get();
            if (secret == null) {
                throw new SyncProblem(
                        SyncProblem.SECRET_NOT_FOUND,
                        "Secret " + ref.getName() + " (spec.secretRef) does not exist in namespace " + namespace,
                        true);
            }
            // whoever may create endpoints must not be able to point at any Secret of the namespace (a database
            // password)
            if (!SigningSecrets.isLabelled(secret)) {
                throw new SyncProblem(
                        SyncProblem.SECRET_NOT_LABELLED,
                        "Secret " + ref.getName() + " (spec.secretRef) is not marked as a "
                                + "signing secret: add the label " + SigningSecrets.LABEL
                                + "=true (kubectl label secret " + ref.getName() + " -n "
                                + namespace + " " + SigningSecrets.LABEL + "=true)",
                        true);
            }
        } else {
            ref = SigningSecrets.ref(endpoint);
            try {
                secret = new ChildApplier<>(context, false)
                        .createIfAbsent(SigningSecrets.desired(endpoint, SigningSecret.generate()));
            } catch (ChildConflictException e) {
                throw new SyncProblem(SyncProblem.NAME_CONFLICT, e.getMessage(), true);
            }
        }
        String key = ref.getKey();
        String name = ref.getName();
        String value = PlatformSecrets.value(secret, key)
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .orElseThrow(() -> new SyncProblem(
                        SyncProblem.SECRET_NOT_FOUND,
                        "Secret " + name + " has no key " + key
                                + (endpoint.getSpec().getSecretRef() == null
                                        ? "; delete the Secret and a new one is generated"
                                        : ""),
                        true));
        if (!SigningSecret.isValid(value)) {
            throw new SyncProblem(
                    SyncProblem.INVALID_SECRET,
                    "Secret " + name + " key " + key + " must hold a " + SigningSecret.PREFIX
                            + "... signing secret (whsec_ and the base64 of the key)",
                    true);
        }
        return new Signing(ref, value);
    }

    private record Signing(SecretKeyRef ref, String value) {}

    /** Its DeliveryPolicy is missing as a resource, or not (yet) in the runtime. */
    private Optional<SyncProblem> policyMissing(
            WebhookEndpoint endpoint, WebhookPlatform platform, EndpointStats stats) {
        String namespace = endpoint.getMetadata().getNamespace();
        Optional<String> policy = RuntimeEndpoint.effectivePolicy(endpoint, platform);
        if (policy.isPresent()
                && policies.get(new ResourceID(policy.get(), namespace)).isEmpty()) {
            return Optional.of(new SyncProblem(
                    EndpointStatusBuilder.POLICY_NOT_FOUND,
                    "DeliveryPolicy " + policy.get() + " does not exist in namespace " + namespace
                            + "; deliveries follow the default schedule until it does",
                    false));
        }
        if (!stats.getMissingPolicy().isEmpty()) {
            return Optional.of(new SyncProblem(
                    EndpointStatusBuilder.POLICY_NOT_FOUND,
                    "DeliveryPolicy " + stats.getMissingPolicy()
                            + " is not in the runtime of WebhookPlatform "
                            + platform.getMetadata().getName()
                            + " yet (see the policy's status); deliveries follow the default schedule until it is",
                    true));
        }
        return Optional.empty();
    }

    /** Moved to another platform (spec.platformRef changed): take it out of the one it was in, best effort. */
    private void leavePreviousPlatform(WebhookEndpoint endpoint, WebhookPlatform platform, KubernetesClient client) {
        String previous = Optional.ofNullable(endpoint.getStatus())
                .map(WebhookEndpointStatus::getPlatform)
                .orElse(null);
        if (previous == null
                || previous.equals(platform.getMetadata().getName())
                || endpoint.getStatus().getAppliedHash() == null) {
            return;
        }
        platforms
                .get(new ResourceID(previous, endpoint.getMetadata().getNamespace()))
                .ifPresent(old -> {
                    try {
                        channels.connect(client, old).deleteEndpoint(RuntimeEndpoint.ref(endpoint));
                        log.info("{} removed from WebhookPlatform {}", ChildApplier.describe(endpoint), previous);
                    } catch (SyncProblem | StatusRuntimeException e) {
                        log.warn(
                                "{} could not be removed from WebhookPlatform {}: {}",
                                ChildApplier.describe(endpoint),
                                previous,
                                e.getMessage());
                    }
                });
    }

    @Override
    public DeleteControl cleanup(WebhookEndpoint endpoint, Context<WebhookEndpoint> context) {
        String namespace = endpoint.getMetadata().getNamespace();
        Optional<WebhookEndpointStatus> status = Optional.ofNullable(endpoint.getStatus());
        Optional<WebhookPlatform> platform = status.map(WebhookEndpointStatus::getPlatform)
                .map(name -> platforms.get(new ResourceID(name, namespace)))
                .orElseGet(() -> {
                    try {
                        return Optional.of(PlatformResolution.resolve(
                                endpoint.getSpec().getPlatformRef(),
                                namespace,
                                platforms.list(namespace).toList()));
                    } catch (SyncProblem e) {
                        return Optional.empty();
                    }
                });
        if (platform.isEmpty() || platform.get().getMetadata().getDeletionTimestamp() != null) {
            // its runtime (and the endpoint with it) is gone or going
            log.info("{} deleted; no WebhookPlatform left to remove it from", ChildApplier.describe(endpoint));
            return DeleteControl.defaultDelete();
        }
        AdminClient admin = null;
        try {
            admin = channels.connect(context.getClient(), platform.get());
            boolean deleted = admin.deleteEndpoint(RuntimeEndpoint.ref(endpoint));
            log.info(
                    "{} deleted; {} WebhookPlatform {}",
                    ChildApplier.describe(endpoint),
                    deleted ? "removed from" : "was not in",
                    platform.get().getMetadata().getName());
            return DeleteControl.defaultDelete();
        } catch (SyncProblem | StatusRuntimeException e) {
            SyncProblem problem = e instanceof StatusRuntimeException call ? admin.problem(call) : (SyncProblem) e;
            boolean neverSynced =
                    status.map(WebhookEndpointStatus::getAppliedHash).isEmpty();
            if (neverSynced || CleanupGrace.over(endpoint, clock.instant())) {
                String message = "left in WebhookPlatform "
                        + platform.get().getMetadata().getName()
                        + (neverSynced
                                ? " (it was never synced)"
                                : " after " + CleanupGrace.GRACE.toMinutes() + " minutes of trying")
                        + ": " + problem.getMessage();
                log.warn("{} deleted, {}", ChildApplier.describe(endpoint), message);
                if (!neverSynced) {
                    events.record(endpoint, EventRecorder.WARNING, "CleanupSkipped", message);
                }
                return DeleteControl.defaultDelete();
            }
            log.warn(
                    "{} deleted, but not yet removed from WebhookPlatform {}; retrying: {}",
                    ChildApplier.describe(endpoint),
                    platform.get().getMetadata().getName(),
                    problem.getMessage());
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(syncRetry);
        }
    }
}
