package io.chis.operator.eventtype;

import io.chis.operator.admin.AdminChannels;
import io.chis.operator.admin.AdminClient;
import io.chis.operator.admin.NamespaceCleanup;
import io.chis.operator.admin.PlatformWatch;
import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.Condition;
import io.chis.operator.api.WebhookEventType;
import io.chis.operator.api.WebhookEventTypeStatus;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.EventRecorder;
import io.chis.operator.support.ReadyEvents;
import io.chis.proto.v1.EventTypeSpec;
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
 * Applies a WebhookEventType (by {@code namespace/name}) into the runtime of every WebhookPlatform in its namespace,
 * where its schema then checks each send of that type; deleting it removes it from those runtimes.
 */
// a runtime that lost its database gets the type back on the next periodic pass
@ControllerConfiguration(
        name = EventTypeReconciler.NAME,
        fieldManager = ChildApplier.FIELD_MANAGER,
        finalizerName = EventTypeReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class EventTypeReconciler implements Reconciler<WebhookEventType>, Cleaner<WebhookEventType> {
    public static final String NAME = "webhookeventtype";
    public static final String FINALIZER = "chis.io/runtime-cleanup";
    public static final String SYNCED = "Synced";
    public static final String NO_PLATFORM = "NoPlatform";
    public static final String INVALID_EVENT_TYPE = "InvalidEventType";
    private static final Logger log = LoggerFactory.getLogger(EventTypeReconciler.class);

    /** How applying the type into one platform went; {@code problem} is null when it was applied. */
    public record Sync(String platform, SyncProblem problem) {}

    private final AdminChannels channels;
    private final EventRecorder events;
    private final Duration syncRetry;
    private final Clock clock = Clock.systemUTC();
    private InformerEventSource<WebhookPlatform, WebhookEventType> platforms;

    public EventTypeReconciler(AdminChannels channels, EventRecorder events, Duration syncRetry) {
        this.channels = channels;
        this.events = events;
        this.syncRetry = syncRetry;
    }

    @Override
    public List<EventSource<?, WebhookEventType>> prepareEventSources(EventSourceContext<WebhookEventType> context) {
        // a new or newly ready platform gets every event type of its namespace
        platforms = PlatformWatch.informer(context, (eventType, platform) -> true);
        return List.of(platforms);
    }

    @Override
    public UpdateControl<WebhookEventType> reconcile(WebhookEventType eventType, Context<WebhookEventType> context) {
        EventTypeSpec desired = RuntimeEventType.of(eventType);
        List<Sync> synced = new ArrayList<>();
        for (WebhookPlatform platform :
                PlatformWatch.live(platforms, eventType.getMetadata().getNamespace())) {
            synced.add(apply(eventType, desired, platform, context.getClient()));
        }
        WebhookEventTypeStatus status = status(eventType, synced, clock.instant());
        ReadyEvents.announce(events, eventType, eventType.getStatus(), status, false);
        UpdateControl<WebhookEventType> control = Conditions.patchIfChanged(eventType, status);
        if (synced.stream().anyMatch(s -> s.problem() != null && s.problem().retrySoon())) {
            control.rescheduleAfter(syncRetry);
        }
        return control;
    }

    private Sync apply(
            WebhookEventType eventType, EventTypeSpec desired, WebhookPlatform platform, KubernetesClient client) {
        String name = platform.getMetadata().getName();
        AdminClient admin = null;
        try {
            admin = channels.connect(client, platform);
            admin.applyEventType(desired);
            log.info("{} applied to WebhookPlatform {}", ChildApplier.describe(eventType), name);
            return new Sync(name, null);
        } catch (SyncProblem problem) {
            return new Sync(name, problem);
        } catch (StatusRuntimeException e) {
            SyncProblem problem = admin.problem(e);
            // the runtime's validation of the name or the schema: fixed in the spec
            return new Sync(
                    name,
                    SyncProblem.INVALID_SPEC.equals(problem.reason())
                            ? new SyncProblem(INVALID_EVENT_TYPE, problem.getMessage(), false)
                            : problem);
        }
    }

    /** Pure: the status for how applying the type into each platform of its namespace went. */
    public static WebhookEventTypeStatus status(WebhookEventType eventType, List<Sync> synced, Instant now) {
        WebhookEventTypeStatus status = new WebhookEventTypeStatus();
        long generation =
                Optional.ofNullable(eventType.getMetadata().getGeneration()).orElse(0L);
        status.setObservedGeneration(generation);
        status.setConditions(
                Conditions.merge(eventType.getStatus(), List.of(ready(eventType, synced)), generation, now));
        return status;
    }

    private static Condition ready(WebhookEventType eventType, List<Sync> synced) {
        Optional<Sync> failed = synced.stream().filter(s -> s.problem() != null).findFirst();
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
                    false,
                    NO_PLATFORM,
                    "no WebhookPlatform in namespace " + eventType.getMetadata().getNamespace()
                            + " to apply it to yet");
        }
        String schema = eventType.getSpec().getSchema() == null ? "any payload" : "payloads checked against its schema";
        return Conditions.condition(
                Conditions.READY,
                true,
                SYNCED,
                eventType.getSpec().getName() + " (" + schema + ") applied to WebhookPlatform "
                        + synced.stream().map(Sync::platform).collect(Collectors.joining(", ")));
    }

    @Override
    public DeleteControl cleanup(WebhookEventType eventType, Context<WebhookEventType> context) {
        String ref = RuntimeEventType.ref(eventType);
        return NamespaceCleanup.removeEverywhere(
                eventType,
                platforms,
                channels,
                context.getClient(),
                events,
                syncRetry,
                clock.instant(),
                admin -> admin.deleteEventType(ref));
    }
}
