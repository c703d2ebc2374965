package io.chis.operator.admin;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finalizer of a resource synced into every WebhookPlatform of its namespace (DeliveryPolicy, WebhookEventType):
 * remove it from each runtime, and let the resource go once done, or after {@link CleanupGrace#GRACE} of trying.
 */
public final class NamespaceCleanup {
    private static final Logger log = LoggerFactory.getLogger(NamespaceCleanup.class);

    private NamespaceCleanup() {}

    public static DeleteControl removeEverywhere(
            HasMetadata resource,
            InformerEventSource<WebhookPlatform, ?> platforms,
            AdminChannels channels,
            KubernetesClient client,
            EventRecorder events,
            Duration syncRetry,
            Instant now,
            Consumer<AdminClient> remove) {
        List<String> left = new ArrayList<>();
        for (WebhookPlatform platform :
                PlatformWatch.live(platforms, resource.getMetadata().getNamespace())) {
            AdminClient admin = null;
            try {
                admin = channels.connect(client, platform);
                remove.accept(admin);
                log.info(
                        "{} deleted; removed from WebhookPlatform {}",
                        ChildApplier.describe(resource),
                        platform.getMetadata().getName());
            } catch (SyncProblem | StatusRuntimeException e) {
                SyncProblem problem = e instanceof StatusRuntimeException call ? admin.problem(call) : (SyncProblem) e;
                left.add("WebhookPlatform " + platform.getMetadata().getName() + ": " + problem.getMessage());
            }
        }
        if (left.isEmpty()) {
            return DeleteControl.defaultDelete();
        }
        if (CleanupGrace.over(resource, now)) {
            String message = "left in " + String.join("; ", left) + " (gave up after " + CleanupGrace.GRACE.toMinutes()
                    + " minutes)";
            log.warn("{} deleted, {}", ChildApplier.describe(resource), message);
            events.record(resource, EventRecorder.WARNING, "CleanupSkipped", message);
            return DeleteControl.defaultDelete();
        }
        log.warn(
                "{} deleted, but not yet removed from {}; retrying",
                ChildApplier.describe(resource),
                String.join("; ", left));
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(syncRetry);
    }
}
