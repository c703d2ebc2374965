package io.chis.runtime.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chis.proto.v1.EndpointSpec;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.AdminClient;
import io.chis.runtime.testing.ApiClient;
import io.chis.runtime.testing.TestRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;

/** Payload filters over REST and the admin API, at fan-out, and through test-filter, on a real runtime. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayloadFilterIT {

    static final String ADMIN_TOKEN = "test-admin-token";

    ChisRuntime runtime;
    ApiClient api;
    AdminClient admin;

    @BeforeAll
    void start() {
        Map<String, String> env = TestRuntime.environment();
        env.put("CHIS_ADMIN_TOKEN", ADMIN_TOKEN);
        runtime = TestRuntime.start(env);
        api = new ApiClient(runtime.settings().httpPort());
        admin = new AdminClient(runtime.settings().grpcPort(), ADMIN_TOKEN);
    }

    @AfterAll
    void stop() {
        admin.close();
        runtime.close();
    }

    private static Map<String, Object> endpoint(String name, String url, Object filter) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "url", url, "eventTypes", List.of("order.*")));
        if (filter != null) body.put("filter", filter);
        return body;
    }

    @Test
    void aMessageFansOutOnlyToTheEndpointsWhoseFiltersItPasses() {
        String token = api.newAccountToken();
        String key = api.newApiKey(token);
        try (Receiver big = Receiver.start(n -> Receiver.Reply.ok());
                Receiver euro = Receiver.start(n -> Receiver.Reply.ok());
                Receiver vip = Receiver.start(n -> Receiver.Reply.ok())) {
            api.newEndpoint(token, endpoint("big", big.url("/big"), Map.of("payload.amount", Map.of("$gte", 100))));
            api.newEndpoint(
                    token,
                    endpoint(
                            "euro",
                            euro.url("/euro"),
                            Map.of(
                                    "payload.currency",
                                    "EUR",
                                    "eventType",
                                    Map.of("$not", Map.of("$in", List.of("order.refunded"))))));
            api.newEndpoint(
                    token,
                    endpoint(
                            "vip",
                            vip.url("/vip"),
                            Map.of(
                                    "$or",
                                    List.of(
                                            Map.of("payload.customer.tags.0", "vip"),
                                            Map.of("payload.customer.tier", Map.of("$prefix", "gold"))))));

            Map<String, Integer> expected = Map.of(
                    "{\"n\":1,\"amount\":150,\"currency\":\"EUR\"}", 2,
                    "{\"n\":2,\"amount\":50,\"currency\":\"USD\",\"customer\":{\"tags\":[\"vip\"]}}", 1,
                    "{\"n\":3,\"amount\":99.99,\"currency\":\"EUR\",\"customer\":{\"tier\":\"gold-plus\"}}", 2,
                    "{\"n\":4,\"amount\":10,\"currency\":\"GBP\"}", 0);
            for (var entry : expected.entrySet()) {
                Map<?, ?> accepted = send(key, "order.created", entry.getKey());
                assertThat(accepted.get("deliveries")).as(entry.getKey()).isEqualTo(entry.getValue());
            }
            send(key, "order.refunded", "{\"n\":5,\"amount\":500,\"currency\":\"EUR\"}");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(numbers(big)).containsExactlyInAnyOrder(1, 5);
                assertThat(numbers(euro)).containsExactlyInAnyOrder(1, 3);
                assertThat(numbers(vip)).containsExactlyInAnyOrder(2, 3);
            });
            // the receivers get the payload bytes exactly as sent
            assertThat(big.requests())
                    .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
                    .contains("{\"n\":1,\"amount\":150,\"currency\":\"EUR\"}");
        }
    }

    private Map<?, ?> send(String key, String eventType, String payload) {
        return api.http
                .post()
                .uri("/webhook/send")
                .header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"eventType\":\"" + eventType + "\",\"payload\":" + payload + "}")
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    private static List<Integer> numbers(Receiver receiver) {
        return receiver.requests().stream()
                .map(r -> new String(r.body(), StandardCharsets.UTF_8))
                .map(body -> Integer.parseInt(body.replaceAll("^\\{\"n\":(\\d+),.*$", "$1")))
                .toList();
    }

    @Test
    void anInvalidFilterIsA400NamingThePathAndIsShownBackWhenValid() {
        String token = api.newAccountToken();
        api.http
                .post()
                .uri("/api/endpoints")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(endpoint("bad", "https://a.example.com", Map.of("payload.amount", Map.of("$gt", List.of()))))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("filter: path 'payload.amount': $gt takes a number or a string");
        api.http
                .post()
                .uri("/api/endpoints")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(endpoint("bad", "https://a.example.com", Map.of("amount", 1)))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(String.class, d -> assertThat(d).contains("path 'amount'"));

        Map<?, ?> created = api.newEndpoint(
                token, endpoint("good", "https://a.example.com", Map.of("payload.amount", Map.of("$gt", 5))));
        assertThat(created.get("filter")).isEqualTo(Map.of("payload.amount", Map.of("$gt", 5)));
        assertThat(created.get("ordering")).isEqualTo("unordered");
        api.http
                .put()
                .uri("/api/endpoints/{id}", created.get("id"))
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(endpoint("good", "https://a.example.com", Map.of("payload.x", Map.of("$regex", "a"))))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(String.class, d -> assertThat(d).contains("unknown operator $regex"));
    }

    @Test
    void theAdminApiTakesTheFilterAndRefusesAnInvalidOne() {
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        api.http
                .post()
                .uri("/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "long-enough"))
                .exchange()
                .expectStatus()
                .isCreated();
        // the owner lets resources of namespace "shop" manage its endpoints
        api.http
                .post()
                .uri("/api/namespace-grants")
                .header("Authorization", "Bearer " + api.login(email, "long-enough"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("namespace", "shop"))
                .exchange()
                .expectStatus()
                .isCreated();
        EndpointSpec spec = EndpointSpec.newBuilder()
                .setRef("shop/" + UUID.randomUUID())
                .setOwnerEmail(email)
                .setName("declared")
                .setUrl("https://declared.example.com/in")
                .addEventTypes("*")
                .setOrdering("fifo")
                .setFilterJson("{\"payload.amount\":{\"$gte\":100}}")
                .build();
        assertThat(admin.stub.applyEndpoint(spec).getId()).isNotEmpty();
        assertThatThrownBy(() -> admin.stub.applyEndpoint(spec.toBuilder()
                        .setFilterJson("{\"payload.a\":{\"$in\":1}}")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("path 'payload.a': $in");
                });
        assertThatThrownBy(() -> admin.stub.applyEndpoint(
                        spec.toBuilder().setOrdering("random").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void testFilterAnswersWhetherAMessageWouldGoToTheEndpoint() {
        String token = api.newAccountToken();
        String id = (String) api.newEndpoint(
                        token,
                        endpoint("t", "https://t.example.com", Map.of("payload.items.0.sku", Map.of("$prefix", "A-"))))
                .get("id");
        assertThat(testFilter(
                        token, id, "{\"eventType\":\"order.created\",\"payload\":{\"items\":[{\"sku\":\"A-1\"}]}}"))
                .isEqualTo(Map.of("matches", true));
        assertThat(testFilter(
                        token, id, "{\"eventType\":\"order.created\",\"payload\":{\"items\":[{\"sku\":\"B-1\"}]}}"))
                .isEqualTo(Map.of("matches", false));
        assertThat(testFilter(
                        token, id, "{\"eventType\":\"user.created\",\"payload\":{\"items\":[{\"sku\":\"A-1\"}]}}"))
                .as("the event types count too")
                .isEqualTo(Map.of("matches", false));
        api.http
                .post()
                .uri("/api/endpoints/{id}/test-filter", id)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"payload\":{}}")
                .exchange()
                .expectStatus()
                .isBadRequest();
        api.http
                .post()
                .uri("/api/endpoints/{id}/test-filter", UUID.randomUUID())
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"eventType\":\"a\",\"payload\":{}}")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private Map<?, ?> testFilter(String token, String id, String body) {
        return api.http
                .post()
                .uri("/api/endpoints/{id}/test-filter", id)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }
}
