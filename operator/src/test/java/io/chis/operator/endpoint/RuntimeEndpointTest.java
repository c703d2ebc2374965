package io.chis.operator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.Platforms;
import io.chis.proto.v1.EndpointSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeEndpointTest {
    private static final String SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

    @Test
    void mapsTheSpecOntoTheAdminApisEndpoint() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        endpoint.getSpec().setOwner(" ada@example.com ");
        endpoint.getSpec().setPolicyRef("standard");
        endpoint.getSpec().setHeaders(Map.of("X-Team", "payments"));
        endpoint.getSpec().setDisabled(true);

        EndpointSpec spec = RuntimeEndpoint.of(endpoint, SECRET);

        assertThat(spec.getRef()).isEqualTo("shop/orders");
        assertThat(spec.getName()).isEqualTo("orders");
        assertThat(spec.getOwnerEmail()).isEqualTo("ada@example.com");
        assertThat(spec.getUrl()).isEqualTo("https://receiver.example.com/hooks");
        assertThat(spec.getEventTypesList()).containsExactly("order.*");
        assertThat(spec.getPolicy()).isEqualTo("standard");
        assertThat(spec.getHeadersMap()).containsExactly(Map.entry("X-Team", "payments"));
        assertThat(spec.getDisabled()).isTrue();
        assertThat(spec.getSecret()).isEqualTo(SECRET);
    }

    @Test
    void passesOrderingAndTheFilterDocumentAsJson() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        endpoint.getSpec().setOrdering("fifo");
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("payload.amount", Map.of("$gte", 100));
        filter.put("$or", List.of(Map.of("payload.currency", "EUR"), Map.of("eventType", Map.of("$prefix", "x."))));
        endpoint.getSpec().setFilter(new ObjectMapper().valueToTree(filter));

        EndpointSpec spec = RuntimeEndpoint.of(endpoint, SECRET);

        assertThat(spec.getOrdering()).isEqualTo("fifo");
        assertThat(spec.getFilterJson())
                .isEqualTo("{\"payload.amount\":{\"$gte\":100},"
                        + "\"$or\":[{\"payload.currency\":\"EUR\"},{\"eventType\":{\"$prefix\":\"x.\"}}]}");
    }

    @Test
    void defaultsLiveInTheMappingNotInTheSpec() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "x".repeat(120));
        endpoint.getSpec().setEventTypes(null);

        EndpointSpec spec = RuntimeEndpoint.of(endpoint, SECRET);

        assertThat(spec.getEventTypesList()).as("every event type").containsExactly("*");
        assertThat(spec.getPolicy()).as("the runtime's default policy").isEmpty();
        assertThat(spec.getHeadersMap()).isEmpty();
        assertThat(spec.getDisabled()).isFalse();
        assertThat(spec.getOrdering()).isEqualTo("unordered");
        assertThat(spec.getFilterJson()).as("no filter").isEmpty();
        assertThat(spec.getName()).hasSize(100);
        assertThat(spec.getRef()).as("the ref is never cut").endsWith("x".repeat(120));
        assertThat(endpoint.getSpec().getEventTypes()).isNull();
    }

    @Test
    void theEffectivePolicyIsTheEndpointsOwnElseThePlatformsDefault() {
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "chis"));
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        assertThat(RuntimeEndpoint.effectivePolicy(endpoint, platform)).isEmpty();
        platform.getSpec().setDefaultPolicy("standard");
        assertThat(RuntimeEndpoint.effectivePolicy(endpoint, platform)).contains("standard");
        endpoint.getSpec().setPolicyRef("gentle");
        assertThat(RuntimeEndpoint.effectivePolicy(endpoint, platform)).contains("gentle");
    }

    @Test
    void theAppliedHashFollowsWhatWasAppliedAndWhere() {
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "chis"));
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("A", "1");
        headers.put("B", "2");
        endpoint.getSpec().setHeaders(headers);
        String hash = RuntimeEndpoint.appliedHash(RuntimeEndpoint.of(endpoint, SECRET), platform);

        Map<String, String> reordered = new LinkedHashMap<>();
        reordered.put("B", "2");
        reordered.put("A", "1");
        endpoint.getSpec().setHeaders(reordered);
        assertThat(RuntimeEndpoint.appliedHash(RuntimeEndpoint.of(endpoint, SECRET), platform))
                .as("header order")
                .isEqualTo(hash);

        assertThat(RuntimeEndpoint.appliedHash(RuntimeEndpoint.of(endpoint, SECRET + "x"), platform))
                .as("a new secret")
                .isNotEqualTo(hash);
        endpoint.getSpec().setEventTypes(List.of("order.*", "invoice.paid"));
        assertThat(RuntimeEndpoint.appliedHash(RuntimeEndpoint.of(endpoint, SECRET), platform))
                .as("a spec change")
                .isNotEqualTo(hash);
        endpoint.getSpec().setEventTypes(List.of("order.*"));
        platform.getMetadata().setUid("a-recreated-platform");
        assertThat(RuntimeEndpoint.appliedHash(RuntimeEndpoint.of(endpoint, SECRET), platform))
                .as("another platform")
                .isNotEqualTo(hash);
        assertThat(hash).hasSize(10).doesNotContain("c2VjcmV0");
    }

    @Test
    void anEndpointFollowsItsOwnPolicyOrPossiblyTheDefault() {
        WebhookEndpoint endpoint = Endpoints.stored("shop", "orders");
        assertThat(EndpointReconciler.mayFollow(endpoint, "standard")).isTrue();
        endpoint.getSpec().setPolicyRef("gentle");
        assertThat(EndpointReconciler.mayFollow(endpoint, "standard")).isFalse();
        assertThat(EndpointReconciler.mayFollow(endpoint, "gentle")).isTrue();
    }
}
