package io.chis.operator.policy;

import io.chis.common.Durations;
import io.chis.common.RetrySchedule;
import io.chis.operator.admin.AdminChannels;
import io.chis.operator.admin.AdminClient;
import io.chis.operator.admin.NamespaceCleanup;
import io.chis.operator.admin.PlatformWatch;
import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.Condition;
import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.DeliveryPolicyStatus;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.EventRecorder;
import io.chis.operator.support.ReadyEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a DeliveryPolicy, applies it (by name) into the runtime of every WebhookPlatform in its namespace, and
 * reports the effective settings and retry schedule; deleting it removes it from those runtimes. Endpoints refer to
 * policies by name, so applying the policy is all it takes for a change to reach them.
 */
// a runtime that lost its database gets the policy back on the next periodic pass
@ControllerConfiguration(
        name = DeliveryPolicyReconciler.NAME,
        fieldManager = ChildApplier.FIELD_MANAGER,
        finalizerName = DeliveryPolicyReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class DeliveryPolicyReconciler implements Reconciler<DeliveryPolicy>, Cleaner<DeliveryPolicy> {
    public static final String NAME = "deliverypolicy";
    public static final String FINALIZER = "chis.io/runtime-cleanup";
    public static final String SYNCED = "Synced";
    public static final String POLICY_VALID = "PolicyValid";
    public static final String INVALID_POLICY = "InvalidPolicy";
    private static final Logger log = LoggerFactory.getLogger(DeliveryPolicyReconciler.class);

    private final AdminChannels channels;
    private final EventRecorder events;
    private final Duration syncRetry;
    private final Clock clock;
    private InformerEventSource<WebhookPlatform, DeliveryPolicy> platforms;

    public DeliveryPolicyReconciler(AdminChannels channels, EventRecorder events, Duration syncRetry) {
        this.channels = channels;
        this.events = events;
        this.syncRetry = syncRetry;
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, DeliveryPolicy>> prepareEventSources(EventSourceContext<DeliveryPolicy> context) {
        // a new or newly ready platform gets every policy of its namespace
        platforms = PlatformWatch.informer(context, (policy, platform) -> true);
        return List.of(platforms);
    }

    @Override
    public UpdateControl<DeliveryPolicy> reconcile(DeliveryPolicy policy, Context<DeliveryPolicy> context) {
        List<PolicySync> synced = new ArrayList<>();
        Optional<EffectivePolicy> effective = effective(policy);
        if (effective.isPresent()) {
            for (WebhookPlatform platform :
                    PlatformWatch.live(platforms, policy.getMetadata().getNamespace())) {
                synced.add(apply(policy, effective.get(), platform, context.getClient()));
            }
        }
        DeliveryPolicyStatus status = status(policy, synced, clock.instant());
        ReadyEvents.announce(events, policy, policy.getStatus(), status, false);
        UpdateControl<DeliveryPolicy> control = Conditions.patchIfChanged(policy, status);
        if (synced.stream().anyMatch(s -> s.problem() != null && s.problem().retrySoon())) {
            control.rescheduleAfter(syncRetry);
        }
        return control;
    }

    private PolicySync apply(
            DeliveryPolicy policy, EffectivePolicy effective, WebhookPlatform platform, KubernetesClient client) {
        String name = platform.getMetadata().getName();
        AdminClient admin = null;
        try {
            admin = channels.connect(client, platform);
            String applied =
                    admin.applyPolicy(RuntimePolicy.of(policy.getMetadata().getName(), effective));
            log.info("{} applied to WebhookPlatform {}: {}", ChildApplier.describe(policy), name, applied);
            return PolicySync.applied(name, applied);
        } catch (SyncProblem problem) {
            return PolicySync.failed(name, problem);
        } catch (StatusRuntimeException e) {
            SyncProblem problem = admin.problem(e);
            // the runtime's own validation: the same fix as for the operator's
            return PolicySync.failed(
                    name,
                    SyncProblem.INVALID_SPEC.equals(problem.reason())
                            ? new SyncProblem(INVALID_POLICY, problem.getMessage(), false)
                            : problem);
        }
    }

    private static Optional<EffectivePolicy> effective(DeliveryPolicy policy) {
        try {
            return Optional.of(EffectivePolicy.of(policy.getSpec()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Pure: the status for this policy's spec alone, as when there is no platform to apply it to. */
    public static DeliveryPolicyStatus status(DeliveryPolicy policy, Instant now) {
        return status(policy, List.of(), now);
    }

    /** Pure: the status for this policy's spec and how applying it into each platform went. */
    public static DeliveryPolicyStatus status(DeliveryPolicy policy, List<PolicySync> synced, Instant now) {
        DeliveryPolicyStatus status = new DeliveryPolicyStatus();
        long generation =
                Optional.ofNullable(policy.getMetadata().getGeneration()).orElse(0L);
        status.setObservedGeneration(generation);
        Condition ready;
        try {
            EffectivePolicy effective = EffectivePolicy.of(policy.getSpec());
            RetrySchedule schedule = effective.schedule();
            // the runtime's word when it has one; the same computation otherwise
            status.setSchedule(synced.stream()
                    .map(PolicySync::schedule)
                    .filter(s -> s != null && !s.isEmpty())
                    .findFirst()
                    .orElse(schedule.describe()));
            status.setMaxRetries(schedule.maxRetries());
            status.setInitialDelay(Durations.format(schedule.initialDelay()));
            status.setMultiplier(schedule.multiplier());
            status.setMaxDelay(Durations.format(schedule.maxDelay()));
            status.setJitter(schedule.jitter());
            status.setTimeout(Durations.format(effective.timeout()));
            ready = ready(schedule, synced, policy.getMetadata().getNamespace());
        } catch (IllegalArgumentException e) {
            ready = Conditions.condition(Conditions.READY, false, INVALID_POLICY, e.getMessage());
        }
        status.setConditions(Conditions.merge(policy.getStatus(), List.of(ready), generation, now));
        return status;
    }

    private static Condition ready(RetrySchedule schedule, List<PolicySync> synced, String namespace) {
        String attempts = (schedule.maxRetries() + 1) + " attempts at most, then dead letter";
        Optional<PolicySync> failed =
                synced.stream().filter(s -> s.problem() != null).findFirst();
        if (failed.isPresent()) {
            return Conditions.condition(
                    Conditions.READY,
                    false,
                    failed.get().problem().reason(),
                    "WebhookPlatform " + failed.get().platform() + ": "
                            + failed.get().problem().getMessage());
        }
        if (synced.isEmpty()) {
            return Conditions.condition(
                    Conditions.READY,
                    true,
                    POLICY_VALID,
                    attempts + "; no WebhookPlatform in namespace " + namespace + " to apply it to yet");
        }
        return Conditions.condition(
                Conditions.READY,
                true,
                SYNCED,
                attempts + "; applied to WebhookPlatform "
                        + synced.stream().map(PolicySync::platform).collect(Collectors.joining(", ")));
    }

    @Override
    public DeleteControl cleanup(DeliveryPolicy policy, Context<DeliveryPolicy> context) {
        String name = policy.getMetadata().getName();
        return NamespaceCleanup.removeEverywhere(
                policy,
                platforms,
                channels,
                context.getClient(),
                events,
                syncRetry,
                clock.instant(),
                admin -> admin.deletePolicy(name));
    }
}
