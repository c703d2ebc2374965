package io.chis.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.WebhookPlatform;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Events against the mock API server in CRUD mode: one Event per object, type, reason and message, counted. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderIT {
    KubernetesClient client;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aRepeatedEventIsCountedOnOneEventInsteadOfCreatingAnother() {
        EventRecorder events = new EventRecorder(client, clock);
        WebhookPlatform acme = platform("acme", "uid-1");

        events.record(acme, EventRecorder.WARNING, "MigrationFailed", "the migration Job failed");
        now.set(Instant.parse("2026-11-01T10:05:00Z"));
        events.record(acme, EventRecorder.WARNING, "MigrationFailed", "the migration Job failed");
        events.record(acme, EventRecorder.WARNING, "MigrationFailed", "the migration Job failed");

        List<Event> stored = client.v1().events().inNamespace("shop").list().getItems();
        assertThat(stored).singleElement().satisfies(event -> {
            assertThat(event.getMetadata().getName())
                    .isEqualTo(EventRecorder.eventName(
                            acme, EventRecorder.WARNING, "MigrationFailed", "the migration Job failed"))
                    .startsWith("acme.");
            assertThat(event.getCount()).isEqualTo(3);
            assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-01T10:00:00Z");
            assertThat(event.getLastTimestamp()).isEqualTo("2026-11-01T10:05:00Z");
            assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-1");
            assertThat(event.getType()).isEqualTo(EventRecorder.WARNING);
        });
    }

    @Test
    void anotherReasonMessageOrObjectIsAnotherEvent() {
        EventRecorder events = new EventRecorder(client, clock);
        events.record(platform("acme", "uid-1"), EventRecorder.WARNING, "MigrationFailed", "failed");
        events.record(platform("acme", "uid-1"), EventRecorder.NORMAL, "Ready", "all roles available");
        events.record(platform("acme", "uid-1"), EventRecorder.WARNING, "MigrationFailed", "failed again");
        // deleted and created again under the same name: another object
        events.record(platform("acme", "uid-2"), EventRecorder.WARNING, "MigrationFailed", "failed");

        assertThat(client.v1().events().inNamespace("shop").list().getItems())
                .hasSize(4)
                .allSatisfy(event -> assertThat(event.getCount()).isEqualTo(1));
    }

    @Test
    void theNameStaysALegalObjectNameForTheLongestResourceName() {
        String name = EventRecorder.eventName(platform("a".repeat(253), "uid"), EventRecorder.NORMAL, "Ready", "ok");
        assertThat(name).hasSizeLessThanOrEqualTo(253).matches("[a-z0-9.-]+");
    }

    private static WebhookPlatform platform(String name, String uid) {
        WebhookPlatform platform = new WebhookPlatform();
        platform.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace("shop")
                .withUid(uid)
                .build());
        return platform;
    }
}
