package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.OperatorHarness;
import io.chis.operator.OperatorSettings;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.support.ChildApplier;
import io.chis.operator.support.Labels;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The production write path, which the CRUD mock cannot serve: what the operator sends when server-side apply is on.
 * The mock answers the apply with an error, so only the request itself is looked at.
 */
class ServerSideApplyIT {
    private static final String NS = "shop";

    @Test
    void childrenAreAppliedServerSideByTheOperatorsFieldManagerWithForce() throws Exception {
        try (OperatorHarness k8s = new OperatorHarness(ServerSideApplyIT::serverSideApply)) {
            WebhookPlatform platform = k8s.create(Platforms.managed(NS, "acme"));
            List<RecordedRequest> sent = new ArrayList<>();
            AtomicReference<String> applied = new AtomicReference<>();
            // the mock answers the apply with an error, sometimes before it has recorded the body: the operator retries
            RecordedRequest apply = until(
                    k8s,
                    sent,
                    r -> "PATCH".equals(r.getMethod())
                            && r.getPath().contains("/statefulsets/acme-postgres")
                            && parses(r, applied));

            assertThat(apply.getPath())
                    .startsWith("/apis/apps/v1/namespaces/shop/statefulsets/acme-postgres?")
                    .contains("fieldManager=" + ChildApplier.FIELD_MANAGER)
                    .contains("force=true");
            assertThat(apply.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
            String yaml = applied.get();
            StatefulSet body = Serialization.unmarshal(yaml, StatefulSet.class);
            assertThat(body).as(yaml).isNotNull();
            StatefulSet desired = ManagedPostgres.statefulSet(platform, PlatformSettings.of(platform));
            assertThat(body.getSpec()).isEqualTo(desired.getSpec());
            assertThat(body.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);
            assertThat(body.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(ref -> assertThat(ref.getUid())
                            .isEqualTo(platform.getMetadata().getUid()));
            assertThat(body.getMetadata().getAnnotations()).containsKey(ChildApplier.DESIRED_HASH);
            assertThat(body.getMetadata().getResourceVersion())
                    .as("an apply needs no optimistic lock")
                    .isNull();
            // generated credentials are created, never applied: a stale read must not overwrite a password
            assertThat(sent)
                    .anySatisfy(r -> assertThat(r.getMethod() + " " + r.getPath())
                            .startsWith("POST /api/v1/namespaces/shop/secrets"));
            assertThat(sent)
                    .noneSatisfy(r -> assertThat(r.getMethod() + " " + r.getPath())
                            .startsWith("PATCH /api/v1/namespaces/shop/secrets"));
        }
    }

    private static OperatorSettings serverSideApply(OperatorSettings s) {
        return new OperatorSettings(
                s.watchNamespaces(),
                true,
                s.leaderElection(),
                s.leaseNamespace(),
                s.identity(),
                s.healthPort(),
                s.secretRecheck(),
                s.deliveryAddress(),
                s.statsInterval(),
                s.syncRetry());
    }

    /**
     * Whether the mock recorded the whole body (under load it may answer, and record, before the body is in); reading
     * it drains it, so a whole one is kept in {@code applied}.
     */
    private static boolean parses(RecordedRequest request, AtomicReference<String> applied) {
        String yaml = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
        try {
            StatefulSet body = Serialization.unmarshal(yaml, StatefulSet.class);
            if (body == null || body.getSpec() == null) {
                return false;
            }
        } catch (RuntimeException partial) {
            return false;
        }
        applied.set(yaml);
        return true;
    }

    /** Takes the mock's requests in order until one matches; {@code sent} keeps those taken. */
    private static RecordedRequest until(
            OperatorHarness k8s, List<RecordedRequest> sent, Predicate<RecordedRequest> wanted)
            throws InterruptedException {
        while (true) {
            RecordedRequest request = k8s.server().takeRequest(30, TimeUnit.SECONDS);
            assertThat(request)
                    .as(
                            "requests so far: %s",
                            sent.stream().map(RecordedRequest::getRequestLine).toList())
                    .isNotNull();
            sent.add(request);
            if (wanted.test(request)) {
                return request;
            }
        }
    }
}
