package io.chis.runtime.eventtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.proto.v1.AdminServiceGrpc;
import io.chis.proto.v1.DeleteEventTypeRequest;
import io.chis.proto.v1.EventTypeSpec;
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

/** The event-type catalog over REST and admin gRPC, and schema'd sends refused before anything is stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventTypeIT {

    static final String ADMIN_TOKEN = "test-admin-token";
    static final Map<String, Object> ORDER_SCHEMA = Map.of(
            "type", "object",
            "required", List.of("id", "total"),
            "properties", Map.of("id", Map.of("type", "string"), "total", Map.of("type", "number", "minimum", 0)));

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
    void aSchemaddTypeRefusesNonConformingPayloadsWithEachViolation() {
        String token = api.newAccountToken();
        String key = api.newApiKey(token);
        put(token, "order.created", Map.of("description", "An order was placed", "schema", ORDER_SCHEMA))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo("order.created")
                .jsonPath("$.schema.required[1]")
                .isEqualTo("total")
                .jsonPath("$.managedBy")
                .doesNotExist();

        http.post()
                .uri("/webhook/send")
                .header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\":\"https://example.com/h\",\"eventType\":\"order.created\","
                        + "\"payload\":{\"id\":7,\"total\":-1}}")
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("order.created").contains("2 violations"))
                .jsonPath("$.violations[?(@.pointer == '/id')].message")
                .value(m -> assertThat(m.toString()).contains("string"))
                .jsonPath("$.violations[?(@.pointer == '/total')].message")
                .value(m -> assertThat(m.toString()).contains("minimum"));
        // nothing was stored
        http.get()
                .uri("/webhook/messages")
                .header("X-API-Key", key)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.messages.length()")
                .isEqualTo(0);

        String id = api.send(
                key,
                "{\"url\":\"https://example.com/h\",\"eventType\":\"order.created\","
                        + "\"payload\":{\"id\":\"o-1\",\"total\":12.5}}");
        assertThat(api.message(key, id).get("eventType")).isEqualTo("order.created");
        // types without a schema (or unknown to the catalog) take any payload, as before
        api.send(key, "{\"url\":\"https://example.com/h\",\"eventType\":\"order.shipped\",\"payload\":[1]}");
    }

    @Test
    void aChangedOrDeletedSchemaAppliesToTheNextSend() {
        String token = api.newAccountToken();
        String key = api.newApiKey(token);
        String send = "{\"url\":\"https://example.com/h\",\"eventType\":\"user.created\",\"payload\":{\"id\":1}}";
        put(token, "user.created", Map.of("schema", Map.of("required", List.of("email"))))
                .expectStatus()
                .isOk();
        sendStatus(key, send, 422);
        put(token, "user.created", Map.of("schema", Map.of("required", List.of("id"))))
                .expectStatus()
                .isOk();
        sendStatus(key, send, 202);
        put(token, "user.created", Map.of("schema", Map.of("required", List.of("email"))))
                .expectStatus()
                .isOk();
        sendStatus(key, send, 422);
        http.delete()
                .uri("/api/event-types/user.created")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNoContent();
        sendStatus(key, send, 202);
        // another account's types are its own
        String other = api.newAccountToken();
        put(other, "user.created", Map.of("schema", Map.of("required", List.of("email"))))
                .expectStatus()
                .isOk();
        sendStatus(key, send, 202);
    }

    @Test
    void repeatedSendsReadTheCatalogOnceAndAPutAppliesAtOnce() {
        EventTypeCatalog catalog = runtime.context().getBean(EventTypeCatalog.class);
        String token = api.newAccountToken();
        String key = api.newApiKey(token);
        put(token, "invoice.paid", Map.of("schema", ORDER_SCHEMA))
                .expectStatus()
                .isOk();
        String schemad = "{\"url\":\"https://example.com/h\",\"eventType\":\"invoice.paid\","
                + "\"payload\":{\"id\":\"i-1\",\"total\":3}}";
        String unknown = "{\"url\":\"https://example.com/h\",\"eventType\":\"invoice.sent\",\"payload\":{}}";
        long before = catalog.lookups();
        for (int i = 0; i < 20; i++) {
            sendStatus(key, schemad, 202);
            sendStatus(key, unknown, 202);
        }
        // one read per type, the type without a catalog entry included: 40 sends, 2 statements
        assertThat(catalog.lookups() - before).isEqualTo(2);

        // the type this process remembered as unknown gets a schema: the very next send is checked against it
        put(token, "invoice.sent", Map.of("schema", Map.of("required", List.of("email"))))
                .expectStatus()
                .isOk();
        sendStatus(key, unknown, 422);
        assertThat(catalog.lookups() - before).isEqualTo(3);
    }

    @Test
    void invalidSchemasAndNamesAre400() {
        String token = api.newAccountToken();
        put(token, "order.created", Map.of("schema", Map.of("type", "strng")))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("JSON Schema"))
                .jsonPath("$.violations[0].pointer")
                .isEqualTo("/type");
        put(token, "order.*", Map.of()).expectStatus().isBadRequest();
        put(token, "chis.endpoint.disabled", Map.of()).expectStatus().isBadRequest();
        http.get()
                .uri("/api/event-types/order.created")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.get().uri("/api/event-types").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void listsTheAccountsTypes() {
        String token = api.newAccountToken();
        put(token, "b.two", Map.of("description", "second")).expectStatus().isOk();
        put(token, "a.one", Map.of("schema", true)).expectStatus().isOk();
        http.get()
                .uri("/api/event-types")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$[0].name")
                .isEqualTo("a.one")
                .jsonPath("$[0].schema")
                .isEqualTo(true)
                .jsonPath("$[1].description")
                .isEqualTo("second")
                .jsonPath("$[1].schema")
                .isEmpty();
    }

    @Test
    void aDeclaredTypeIsAppliedOverAdminGrpcAndManagedOnlyThere() {
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        String token = registerAndLogin(email);
        String key = api.newApiKey(token);
        String ref = "shop/order-created";
        EventTypeSpec declared = EventTypeSpec.newBuilder()
                .setRef(ref)
                .setOwnerEmail(email)
                .setName("order.created")
                .build();
        // the same owner consent as for WebhookEndpoints: namespace shop may act for the account once it says so
        assertThatThrownBy(() -> admin.applyEventType(declared))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription())
                            .contains("ApplyEventType", email, "POST /api/namespace-grants", "shop");
                });
        http.post()
                .uri("/api/namespace-grants")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("namespace", "shop"))
                .exchange()
                .expectStatus()
                .isCreated();
        admin.applyEventType(EventTypeSpec.newBuilder()
                .setRef(ref)
                .setOwnerEmail(email)
                .setName("order.created")
                .setDescription("from YAML")
                .setSchema("{\"type\":\"object\",\"required\":[\"id\"]}")
                .build());
        sendStatus(key, "{\"url\":\"https://example.com/h\",\"eventType\":\"order.created\",\"payload\":{}}", 422);
        http.get()
                .uri("/api/event-types/order.created")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.managedBy")
                .isEqualTo("WebhookEventType " + ref);
        put(token, "order.created", Map.of()).expectStatus().isEqualTo(409);

        assertThatThrownBy(() -> admin.applyEventType(EventTypeSpec.newBuilder()
                        .setRef(ref)
                        .setOwnerEmail(email)
                        .setName("order.created")
                        .setSchema("{\"type\":7}")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("/type");
                });
        assertThatThrownBy(() -> admin.applyEventType(EventTypeSpec.newBuilder()
                        .setRef("other/ns")
                        .setOwnerEmail("nobody-" + UUID.randomUUID() + "@example.com")
                        .setName("x.y")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

        // renaming the resource's type leaves the old name
        admin.applyEventType(EventTypeSpec.newBuilder()
                .setRef(ref)
                .setOwnerEmail(email)
                .setName("order.placed")
                .build());
        sendStatus(key, "{\"url\":\"https://example.com/h\",\"eventType\":\"order.created\",\"payload\":{}}", 202);

        assertThat(admin.deleteEventType(
                                DeleteEventTypeRequest.newBuilder().setRef(ref).build())
                        .getDeleted())
                .isTrue();
        http.get()
                .uri("/api/event-types/order.placed")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private WebTestClient.ResponseSpec put(String token, String name, Map<String, Object> body) {
        return http.put()
                .uri("/api/event-types/{name}", name)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private void sendStatus(String key, String body, int status) {
        http.post()
                .uri("/webhook/send")
                .header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(status);
    }

    private String registerAndLogin(String email) {
        http.post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "long-enough", "firstName", "A", "lastName", "B"))
                .exchange()
                .expectStatus()
                .isCreated();
        return api.login(email, "long-enough");
    }
}
