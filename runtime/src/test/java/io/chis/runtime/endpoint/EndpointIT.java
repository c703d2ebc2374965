package io.chis.runtime.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.DeleteEndpointRequest;
import io.chis.proto.v1.EndpointSpec;
import io.chis.proto.v1.EndpointStatsRequest;
import io.chis.proto.v1.Policy;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.testing.AdminClient;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Endpoints over REST and over the admin gRPC API, and fan-out by event type, on a real runtime. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointIT {

    static final String ADMIN_TOKEN = "test-admin-token";

    ChisRuntime runtime;
    ApiClient api;
    WebTestClient http;
    AdminClient adminClient;
    AdminServiceGrpc.AdminServiceBlockingStub admin;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ROLES", "api,delivery");
        env.put("CHIS_ADMIN_TOKEN", ADMIN_TOKEN);
        runtime = TestRuntime.start(env);
        api = new ApiClient(runtime.settings().httpPort());
        http = api.http;
        adminClient = new AdminClient(runtime.settings().grpcPort(), ADMIN_TOKEN);
        admin = adminClient.stub;
    }

    @AfterAll
    void stop() {
        adminClient.close();
        runtime.close();
    }

    @Test
    void restCrudWithSecretsAndRotation() {
        String token = api.newAccountToken();
        Map<?, ?> created = api.newEndpoint(
                token,
                Map.of(
                        "name",
                        "crm",
                        "url",
                        "https://crm.example.com/hooks",
                        "eventTypes",
                        List.of("user.*"),
                        "headers",
                        Map.of("X-Tenant", "acme")));
        String id = (String) created.get("id");
        assertThat((String) created.get("secret")).startsWith("whsec_");
        assertThat(created.get("disabled")).isEqualTo(false);
        assertThat(created.get("eventTypes")).isEqualTo(List.of("user.*"));

        List<?> listed = http.get()
                .uri("/api/endpoints")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(List.class)
                .returnResult()
                .getResponseBody();
        assertThat(listed)
                .singleElement()
                .satisfies(
                        e -> assertThat(((Map<?, ?>) e).containsKey("secret")).isFalse());

        http.put()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        "crm",
                        "url",
                        "https://crm.example.com/v2",
                        "eventTypes",
                        List.of("*"),
                        "disabled",
                        true))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.url")
                .isEqualTo("https://crm.example.com/v2")
                .jsonPath("$.disabled")
                .isEqualTo(true);

        Map<?, ?> rotated = http.post()
                .uri("/api/endpoints/{id}/rotate-secret", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(rotated.get("previousSecret")).isEqualTo(created.get("secret"));
        assertThat(rotated.get("secret")).isNotEqualTo(created.get("secret"));

        String stranger = api.newAccountToken();
        http.get()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + stranger)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + stranger)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNoContent();
        http.get()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void badEndpointsAreRefused() {
        String token = api.newAccountToken();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("url", "https://x.example.com", "eventTypes", List.of("*")),
                Map.of("name", "n", "url", "gopher://x", "eventTypes", List.of("*")),
                Map.of("name", "n", "url", "https://x.example.com", "eventTypes", List.of()),
                Map.of(
                        "name",
                        "n",
                        "url",
                        "https://x.example.com",
                        "eventTypes",
                        List.of("*"),
                        "headers",
                        Map.of("Content-Type", "text/plain")))) {
            http.post()
                    .uri("/api/endpoints")
                    .header("Authorization", "Bearer " + token)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(bad)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        http.post()
                .uri("/api/endpoints")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "n", "url", "https://x.example.com", "eventTypes", List.of("*")))
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void aSendWithoutUrlFansOutToSubscribedEnabledEndpoints() {
        String token = api.newAccountToken();
        String key = api.newApiKey(token);
        String users = (String) api.newEndpoint(
                        token, Map.of("name", "users", "url", "https://a.example.com", "eventTypes", List.of("user.*")))
                .get("id");
        String all = (String) api.newEndpoint(
                        token, Map.of("name", "all", "url", "https://b.example.com", "eventTypes", List.of("*")))
                .get("id");
        api.newEndpoint(
                token,
                Map.of("name", "orders", "url", "https://c.example.com", "eventTypes", List.of("order.created")));
        api.newEndpoint(
                token,
                Map.of("name", "off", "url", "https://d.example.com", "eventTypes", List.of("*"), "disabled", true));

        Map<?, ?> accepted = http.post()
                .uri("/webhook/send")
                .header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"eventType\":\"user.created\",\"payload\":{\"id\":7}}")
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(accepted.get("deliveries")).isEqualTo(2);
        assertThat(accepted.get("status")).isEqualTo("pending");
        Map<?, ?> message = api.message(key, (String) accepted.get("id"));
        assertThat(((List<?>) message.get("deliveries"))
                        .stream()
                                .map(d -> (String) ((Map<?, ?>) d).get("endpointId"))
                                .toList())
                .containsExactlyInAnyOrder(users, all);

        String lonelyKey = api.newApiKey(api.newAccountToken());
        Map<?, ?> nobody = http.post()
                .uri("/webhook/send")
                .header("X-API-Key", lonelyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"eventType\":\"invoice.paid\",\"payload\":{}}")
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(nobody.get("deliveries")).isEqualTo(0);
        assertThat(api.message(lonelyKey, (String) nobody.get("id")).get("status"))
                .isEqualTo("delivered");

        http.post()
                .uri("/webhook/send")
                .header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"payload\":{}}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(String.class, d -> assertThat(d).contains("eventType"));
    }

    @Test
    void adminApiNeedsTheToken() {
        var anonymous = AdminServiceGrpc.newBlockingStub(adminClient.channel);
        assertThatThrownBy(() -> anonymous.deleteEndpoint(
                        DeleteEndpointRequest.newBuilder().setRef("x/y").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void declaredEndpointsAndPoliciesRoundTrip() {
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        String ref = "shop/" + UUID.randomUUID();
        EndpointSpec spec = EndpointSpec.newBuilder()
                .setRef(ref)
                .setOwnerEmail(email)
                .setName("billing")
                .setUrl("https://billing.example.com/in")
                .addEventTypes("invoice.*")
                .setPolicy("fast")
                .build();

        assertThatThrownBy(() -> admin.applyEndpoint(spec)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains(email);
        });
        assertThatThrownBy(() ->
                        admin.applyEndpoint(spec.toBuilder().setUrl("ftp://x").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode())
                                .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION));

        http.post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "long-enough"))
                .exchange()
                .expectStatus()
                .isCreated();
        // the owner exists but has not let namespace shop's resources act for it
        assertThatThrownBy(() -> admin.applyEndpoint(spec)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription())
                    .contains("ApplyEndpoint", email, "POST /api/namespace-grants", "shop");
        });
        String ownerToken = api.login(email, "long-enough");
        http.post()
                .uri("/api/namespace-grants")
                .header("Authorization", "Bearer " + ownerToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("namespace", "shop"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.namespace")
                .isEqualTo("shop");
        String id = admin.applyEndpoint(spec).getId();
        assertThat(admin.applyEndpoint(spec).getId())
                .as("applying again changes nothing")
                .isEqualTo(id);
        assertThat(admin.getEndpointStats(
                                EndpointStatsRequest.newBuilder().setRef(ref).build())
                        .getMissingPolicy())
                .isEqualTo("fast");

        String schedule = admin.applyPolicy(Policy.newBuilder()
                        .setName("fast")
                        .setMaxRetries(3)
                        .setInitialDelayMs(500)
                        .setMultiplier(3)
                        .setMaxDelayMs(60_000)
                        .setTimeoutMs(5_000)
                        .build())
                .getSchedule();
        assertThat(schedule).isEqualTo("500ms,1500ms,4500ms");
        assertThat(admin.getEndpointStats(
                                EndpointStatsRequest.newBuilder().setRef(ref).build())
                        .getMissingPolicy())
                .isEmpty();
        assertThatThrownBy(() -> admin.applyPolicy(Policy.newBuilder()
                        .setName("bad")
                        .setMultiplier(0.5)
                        .setTimeoutMs(1)
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

        String token = api.login(email, "long-enough");
        Map<?, ?> seen = http.get()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(seen.get("managedBy")).isEqualTo("WebhookEndpoint " + ref);
        http.delete()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isEqualTo(409);

        String newSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
        admin.applyEndpoint(spec.toBuilder().setSecret(newSecret).build());
        Map<?, ?> rotated = http.get()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(rotated.get("secret")).isEqualTo(newSecret);
        assertThat(rotated.get("previousSecret")).isEqualTo(seen.get("secret"));

        var stats = admin.getEndpointStats(
                EndpointStatsRequest.newBuilder().setRef(ref).build());
        assertThat(stats.getId()).isEqualTo(id);
        assertThat(http.get()
                        .uri("/api/namespace-grants")
                        .header("Authorization", "Bearer " + token)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(List.class)
                        .returnResult()
                        .getResponseBody())
                .hasSize(1);
        assertThat(stats.getDelivered()).isZero();
        assertThat(admin.deleteEndpoint(
                                DeleteEndpointRequest.newBuilder().setRef(ref).build())
                        .getDeleted())
                .isTrue();
        assertThat(admin.deleteEndpoint(
                                DeleteEndpointRequest.newBuilder().setRef(ref).build())
                        .getDeleted())
                .isFalse();
        http.get()
                .uri("/api/endpoints/{id}", id)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNotFound();

        // withdrawing the consent removes what the namespace declared, and refuses it from then on
        String declared = admin.applyEndpoint(spec).getId();
        http.delete()
                .uri("/api/namespace-grants/shop")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNoContent();
        http.get()
                .uri("/api/endpoints/{id}", declared)
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNotFound();
        assertThatThrownBy(() -> admin.applyEndpoint(spec))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        http.delete()
                .uri("/api/namespace-grants/shop")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNotFound();
    }
}
