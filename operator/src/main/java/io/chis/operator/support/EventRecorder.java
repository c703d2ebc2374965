package io.chis.operator.support;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events about a custom resource (kubectl describe shows them). The same event about the same object is
 * one Event whose {@code count} and {@code lastTimestamp} go up, named from the object, type, reason and message.
 * Best effort: a failure is only logged.
 */
public final class EventRecorder {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final int MAX_MESSAGE = 1000;
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client) {
        this(client, Clock.systemUTC());
    }

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(HasMetadata about, String type, String reason, String message) {
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
        String name = eventName(about, type, reason, text);
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        var events = client.v1().events().inNamespace(about.getMetadata().getNamespace());
        try {
            Optional<Event> existing = Optional.ofNullable(events.withName(name).get());
            if (existing.isPresent()) {
                Map<String, Object> repeat = new LinkedHashMap<>();
                repeat.put(
                        "count", Optional.ofNullable(existing.get().getCount()).orElse(1) + 1);
                repeat.put("lastTimestamp", now);
                events.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(repeat));
            } else {
                events.resource(event(about, name, type, reason, text, now)).create();
            }
        } catch (RuntimeException e) {
            log.warn("{} could not record event {}: {}", ChildApplier.describe(about), reason, e.getMessage());
        }
    }

    /** {@code <object>.<hash>}: the same object (by uid), type, reason and message always give the same name. */
    static String eventName(HasMetadata about, String type, String reason, String message) {
        String object = about.getMetadata().getName();
        return (object.length() > 200 ? object.substring(0, 200) : object) + "."
                + Hashes.sha256(about.getKind(), about.getMetadata().getUid(), type, reason, message)
                        .substring(0, 16);
    }

    private static Event event(HasMetadata about, String name, String type, String reason, String message, String now) {
        return new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(about.getMetadata().getNamespace())
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.OPERATOR))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(about.getApiVersion())
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace(about.getMetadata().getNamespace())
                .withUid(about.getMetadata().getUid())
                .withResourceVersion(about.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent(Labels.OPERATOR)
                .endSource()
                .withReportingComponent(Labels.OPERATOR)
                .build();
    }
}
