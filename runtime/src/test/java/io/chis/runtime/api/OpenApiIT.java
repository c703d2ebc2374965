package io.chis.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.chis.runtime.ChisRuntime;
import io.chis.runtime.dispatch.Receiver;
import io.chis.runtime.testing.OpenApiContract;
import io.chis.runtime.testing.TestRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /openapi.json} against reality: it is a valid OpenAPI 3.1 document, it names every route of {@link ApiRouter},
 * and every real answer of every route (successes and problem+json errors) matches it.
 */
class OpenApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // one client for the whole test: its keep-alive connections carry every route's answers, errors included
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static ChisRuntime runtime;
    static Receiver receiver;
    static String base;
    static OpenApiContract contract;

    @BeforeAll
    static void start() throws Exception {
        // 410 ends a delivery at once: a dead letter to replay without waiting for retries
        receiver = Receiver.start((n, request) -> request.path().startsWith("/gone")
                ? Receiver.Reply.status(410)
                : Receiver.Reply.ok().withBody("{\"received\":true}"));
        runtime = TestRuntime.start(TestRuntime.environment());
        base = "http://localhost:" + runtime.settings().httpPort();
        contract = new OpenApiContract(CLIENT.send(
                        HttpRequest.newBuilder(URI.create(base + "/openapi.json"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) runtime.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void theDocumentIsValidOpenApi31AndTheOneInTheJar() {
        String oas = OpenApiContract.resource("/openapi/oas-3.1-schema.json");
        String oasId = JSON.readTree(oas).get("$id").asString();
        var registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12, b -> b.schemas(Map.of(oasId, oas)));
        assertThat(registry.getSchema(SchemaLocation.of(oasId)).validate(contract.text, InputFormat.JSON))
                .isEmpty();
        assertThat(contract.document.get("openapi").asString()).startsWith("3.1.");
        assertThat(JSON.readTree(OpenApiContract.resource(OpenApiDocument.RESOURCE)))
                .isEqualTo(contract.document);
    }

    @Test
    void everyRouteOfTheRouterIsDocumentedAndNothingElse() {
        @SuppressWarnings("unchecked")
        RouterFunction<?> routes = runtime.context().getBean("routes", RouterFunction.class);
        Set<String> routed = new TreeSet<>();
        routes.accept(new RouteLister(routed));
        assertThat(routed).hasSizeGreaterThan(15);
        assertThat(contract.operations()).isEqualTo(routed);
    }

    @Test
    void everyRealAnswerMatchesTheDocument() throws Exception {
        call("GET", "/", "/", null, null);
        call("GET", "/health", "/health", null, null);
        expect(200, call("GET", "/", "/", null, null));
        call("GET", "/openapi.json", "/openapi.json", null, null);

        String email = "contract-" + System.nanoTime() + "@example.com";
        String register = "{\"email\":\"" + email
                + "\",\"password\":\"correct-horse-battery\",\"firstName\":\"Ada\",\"lastName\":\"L\"}";
        expect(201, call("POST", "/auth/register", "/auth/register", null, register));
        expect(409, call("POST", "/auth/register", "/auth/register", null, register));
        expect(400, call("POST", "/auth/register", "/auth/register", null, "{\"email\":\"nope\",\"password\":\"x\"}"));
        expect(
                401,
                call(
                        "POST",
                        "/auth/login",
                        "/auth/login",
                        null,
                        "{\"email\":\"" + email + "\",\"password\":\"wrong-password\"}"));
        expect(400, call("POST", "/auth/login", "/auth/login", null, "[1"));
        JsonNode login = body(expect(
                200,
                call(
                        "POST",
                        "/auth/login",
                        "/auth/login",
                        null,
                        "{\"email\":\"" + email + "\",\"password\":\"correct-horse-battery\"}")));
        Map<String, String> jwt =
                Map.of("Authorization", "Bearer " + login.get("token").asString());

        expect(401, call("POST", "/api/api-key/create", "/api/api-key/create", null, "{\"name\":\"x\"}"));
        expect(
                400,
                call(
                        "POST",
                        "/api/api-key/create",
                        "/api/api-key/create",
                        jwt,
                        "{\"name\":\"" + "n".repeat(101) + "\"}"));
        JsonNode created =
                body(expect(201, call("POST", "/api/api-key/create", "/api/api-key/create", jwt, "{\"name\":\"ci\"}")));
        Map<String, String> key = Map.of("X-API-Key", created.get("apiKey").asString());
        JsonNode spare = body(call("POST", "/api/api-key/create", "/api/api-key/create", jwt, "{\"name\":\"spare\"}"));
        expect(401, call("GET", "/api/api-keys", "/api/api-keys", null, null));
        expect(
                204,
                call(
                        "DELETE",
                        "/api/api-keys/{id}",
                        "/api/api-keys/" + spare.get("id").asString(),
                        jwt,
                        null));
        expect(
                404,
                call(
                        "DELETE",
                        "/api/api-keys/{id}",
                        "/api/api-keys/" + spare.get("id").asString(),
                        jwt,
                        null));
        expect(200, call("GET", "/api/api-keys", "/api/api-keys", jwt, null));

        expect(200, call("GET", "/api/signing-secret", "/api/signing-secret", jwt, null));
        expect(200, call("POST", "/api/signing-secret/rotate", "/api/signing-secret/rotate", jwt, null));
        expect(401, call("GET", "/api/signing-secret", "/api/signing-secret", null, null));
        expect(401, call("POST", "/api/signing-secret/rotate", "/api/signing-secret/rotate", null, null));

        String endpoint = "{\"name\":\"orders\",\"url\":\"" + receiver.url("/orders")
                + "\",\"eventTypes\":[\"order.*\"],\"headers\":{\"X-Team\":\"shop\"}}";
        expect(400, call("POST", "/api/endpoints", "/api/endpoints", jwt, "{\"name\":\"\"}"));
        expect(401, call("POST", "/api/endpoints", "/api/endpoints", null, endpoint));
        String endpointId = body(expect(201, call("POST", "/api/endpoints", "/api/endpoints", jwt, endpoint)))
                .get("id")
                .asString();
        expect(200, call("GET", "/api/endpoints", "/api/endpoints", jwt, null));
        expect(401, call("GET", "/api/endpoints", "/api/endpoints", null, null));
        expect(200, call("GET", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, jwt, null));
        expect(404, call("GET", "/api/endpoints/{id}", "/api/endpoints/" + java.util.UUID.randomUUID(), jwt, null));
        expect(401, call("GET", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, null, null));
        expect(
                200,
                call(
                        "POST",
                        "/api/endpoints/{id}/rotate-secret",
                        "/api/endpoints/" + endpointId + "/rotate-secret",
                        jwt,
                        null));
        expect(404, call("POST", "/api/endpoints/{id}/rotate-secret", "/api/endpoints/nope/rotate-secret", jwt, null));
        expect(
                401,
                call(
                        "POST",
                        "/api/endpoints/{id}/rotate-secret",
                        "/api/endpoints/" + endpointId + "/rotate-secret",
                        null,
                        null));
        expect(400, call("PUT", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, jwt, "{\"name\":\"orders\"}"));
        expect(404, call("PUT", "/api/endpoints/{id}", "/api/endpoints/" + java.util.UUID.randomUUID(), jwt, endpoint));
        expect(401, call("PUT", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, null, endpoint));
        expect(200, call("PUT", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, jwt, endpoint));
        String filtered = "{\"name\":\"big\",\"url\":\"" + receiver.url("/big")
                + "\",\"eventTypes\":[\"order.*\"],\"ordering\":\"fifo\",\"filter\":{\"payload.total\":{\"$gte\":100}}}";
        expect(400, call("POST", "/api/endpoints", "/api/endpoints", jwt, filtered.replace("$gte", "$big")));
        String filteredId = body(expect(201, call("POST", "/api/endpoints", "/api/endpoints", jwt, filtered)))
                .get("id")
                .asString();
        String testFilter = "/api/endpoints/{id}/test-filter";
        String probe = "{\"eventType\":\"order.paid\",\"payload\":{\"total\":250}}";
        JsonNode match = body(
                expect(200, call("POST", testFilter, "/api/endpoints/" + filteredId + "/test-filter", jwt, probe)));
        assertThat(match.get("matches").asBoolean()).isTrue();
        expect(400, call("POST", testFilter, "/api/endpoints/" + filteredId + "/test-filter", jwt, "{\"payload\":1}"));
        expect(
                404,
                call("POST", testFilter, "/api/endpoints/" + java.util.UUID.randomUUID() + "/test-filter", jwt, probe));
        expect(401, call("POST", testFilter, "/api/endpoints/" + filteredId + "/test-filter", null, probe));
        expect(204, call("DELETE", "/api/endpoints/{id}", "/api/endpoints/" + filteredId, jwt, null));

        expect(
                401,
                call(
                        "POST",
                        "/webhook/send",
                        "/webhook/send",
                        null,
                        "{\"url\":\"" + receiver.url("/a") + "\",\"payload\":{}}"));
        expect(401, call("GET", "/api/event-types", "/api/event-types", null, null));
        expect(
                400,
                call(
                        "PUT",
                        "/api/event-types/{name}",
                        "/api/event-types/order.paid",
                        jwt,
                        "{\"schema\":{\"type\":\"strng\"}}"));
        expect(
                200,
                call(
                        "PUT",
                        "/api/event-types/{name}",
                        "/api/event-types/order.paid",
                        jwt,
                        "{\"description\":\"paid\",\"schema\":{\"required\":[\"n\"]}}"));
        expect(200, call("GET", "/api/event-types", "/api/event-types", jwt, null));
        expect(200, call("GET", "/api/event-types/{name}", "/api/event-types/order.paid", jwt, null));
        expect(404, call("GET", "/api/event-types/{name}", "/api/event-types/order.none", jwt, null));
        expect(
                422,
                call(
                        "POST",
                        "/webhook/send",
                        "/webhook/send",
                        key,
                        "{\"url\":\"" + receiver.url("/a") + "\",\"eventType\":\"order.paid\",\"payload\":{}}"));
        expect(
                200,
                call(
                        "PUT",
                        "/api/event-types/{name}",
                        "/api/event-types/order.refunded",
                        jwt,
                        "{\"description\":\"to delete\"}"));
        expect(204, call("DELETE", "/api/event-types/{name}", "/api/event-types/order.refunded", jwt, null));
        expect(404, call("DELETE", "/api/event-types/{name}", "/api/event-types/order.refunded", jwt, null));
        expect(400, call("POST", "/webhook/send", "/webhook/send", key, "{\"payload\":{}}"));
        String sent = body(expect(
                        202,
                        call(
                                "POST",
                                "/webhook/send",
                                "/webhook/send",
                                key,
                                "{\"url\":\"" + receiver.url("/ok")
                                        + "\",\"eventType\":\"order.paid\",\"payload\":{\"n\":1}}")))
                .get("id")
                .asString();
        expect(
                202,
                call(
                        "POST",
                        "/webhook/send",
                        "/webhook/send",
                        key,
                        "{\"eventType\":\"order.created\",\"payload\":{\"n\":2}}"));
        String gone = body(expect(
                        202,
                        call(
                                "POST",
                                "/webhook/send",
                                "/webhook/send",
                                key,
                                "{\"url\":\"" + receiver.url("/gone")
                                        + "\",\"eventType\":\"order.lost\",\"payload\":[1,2]}")))
                .get("id")
                .asString();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> "delivered".equals(status(sent, key)) && "dead".equals(status(gone, key)));
        JsonNode delivered =
                body(expect(200, call("GET", "/webhook/messages/{id}", "/webhook/messages/" + sent, key, null)));
        assertThat(delivered.at("/deliveries/0/attempts/0/responseBody").asString())
                .isEqualTo("{\"received\":true}");
        expect(200, call("GET", "/webhook/messages/{id}", "/webhook/messages/" + gone, jwt, null));
        expect(
                404,
                call("GET", "/webhook/messages/{id}", "/webhook/messages/" + java.util.UUID.randomUUID(), key, null));
        expect(401, call("GET", "/webhook/messages/{id}", "/webhook/messages/" + sent, null, null));

        JsonNode dead = body(expect(200, call("GET", "/webhook/messages", "/webhook/messages?status=dead", jwt, null)));
        assertThat(dead.get("messages").size()).isEqualTo(1);
        JsonNode byType = body(expect(
                200, call("GET", "/webhook/messages", "/webhook/messages?eventType=order.paid&limit=1", key, null)));
        assertThat(byType.at("/messages/0/id").asString()).isEqualTo(sent);
        JsonNode first = body(expect(200, call("GET", "/webhook/messages", "/webhook/messages?limit=1", key, null)));
        expect(
                200,
                call(
                        "GET",
                        "/webhook/messages",
                        "/webhook/messages?limit=1&cursor="
                                + first.get("nextCursor").asString(),
                        key,
                        null));
        expect(400, call("GET", "/webhook/messages", "/webhook/messages?limit=1000", key, null));
        expect(400, call("GET", "/webhook/messages", "/webhook/messages?status=lost", key, null));
        expect(401, call("GET", "/webhook/messages", "/webhook/messages", null, null));

        expect(409, call("POST", "/webhook/messages/{id}/retry", "/webhook/messages/" + sent + "/retry", key, null));
        expect(
                404,
                call(
                        "POST",
                        "/webhook/messages/{id}/retry",
                        "/webhook/messages/" + java.util.UUID.randomUUID() + "/retry",
                        key,
                        null));
        expect(401, call("POST", "/webhook/messages/{id}/retry", "/webhook/messages/" + gone + "/retry", null, null));
        expect(202, call("POST", "/webhook/messages/{id}/retry", "/webhook/messages/" + gone + "/retry", jwt, null));

        String window = "{\"since\":\"2020-01-01T00:00:00Z\"}";
        String recovery = body(expect(202, call("POST", "/webhook/recover", "/webhook/recover", key, window)))
                .get("id")
                .asString();
        expect(409, call("POST", "/webhook/recover", "/webhook/recover", jwt, window));
        expect(400, call("POST", "/webhook/recover", "/webhook/recover", key, "{\"since\":\"soon\"}"));
        expect(401, call("POST", "/webhook/recover", "/webhook/recover", null, window));
        expect(200, call("GET", "/webhook/recover/{id}", "/webhook/recover/" + recovery, jwt, null));
        expect(404, call("GET", "/webhook/recover/{id}", "/webhook/recover/" + java.util.UUID.randomUUID(), key, null));
        expect(401, call("GET", "/webhook/recover/{id}", "/webhook/recover/" + recovery, null, null));

        JsonNode stats = body(expect(200, call("GET", "/webhook/stats", "/webhook/stats", key, null)));
        assertThat(stats.at("/messages/delivered").asLong()).isGreaterThanOrEqualTo(1);
        long attempts = 0;
        for (JsonNode minute : stats.get("minutes"))
            attempts += minute.get("delivered").asLong() + minute.get("failed").asLong();
        assertThat(attempts).isGreaterThanOrEqualTo(2);
        expect(401, call("GET", "/webhook/stats", "/webhook/stats", null, null));

        expect(204, call("DELETE", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, jwt, null));
        expect(404, call("DELETE", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, jwt, null));
        expect(401, call("DELETE", "/api/endpoints/{id}", "/api/endpoints/" + endpointId, null, null));

        String grants = "/api/namespace-grants";
        expect(201, call("POST", grants, grants, jwt, "{\"namespace\":\"shop\"}"));
        expect(400, call("POST", grants, grants, jwt, "{\"namespace\":\"Not_A_Namespace\"}"));
        expect(401, call("POST", grants, grants, null, "{\"namespace\":\"shop\"}"));
        expect(200, call("GET", grants, grants, jwt, null));
        expect(401, call("GET", grants, grants, null, null));
        expect(204, call("DELETE", grants + "/{namespace}", grants + "/shop", jwt, null));
        expect(404, call("DELETE", grants + "/{namespace}", grants + "/shop", jwt, null));
        expect(400, call("DELETE", grants + "/{namespace}", grants + "/UPPER", jwt, null));
        expect(401, call("DELETE", grants + "/{namespace}", grants + "/shop", null, null));

        String change = "{\"currentPassword\":\"correct-horse-battery\",\"newPassword\":\"another-horse-battery\"}";
        expect(403, call("POST", "/auth/password", "/auth/password", jwt, change.replace("correct-", "wrong-")));
        expect(
                400,
                call("POST", "/auth/password", "/auth/password", jwt, change.replace("another-horse-battery", "x")));
        expect(401, call("POST", "/auth/password", "/auth/password", null, change));
        JsonNode fresh = body(expect(200, call("POST", "/auth/password", "/auth/password", jwt, change)));
        Map<String, String> freshJwt =
                Map.of("Authorization", "Bearer " + fresh.get("token").asString());
        expect(401, call("POST", "/auth/logout", "/auth/logout", jwt, null));
        expect(204, call("POST", "/auth/logout", "/auth/logout", freshJwt, null));

        assertThat(contract.covered()).isEqualTo(contract.operations());
    }

    private record Answer(int status, String body) {}

    private static Answer expect(int status, Answer answer) {
        assertThat(answer.status()).as("answer %s", answer.body()).isEqualTo(status);
        return answer;
    }

    private static JsonNode body(Answer answer) {
        return JSON.readTree(answer.body());
    }

    private static String status(String id, Map<String, String> key) throws Exception {
        return body(call("GET", "/webhook/messages/{id}", "/webhook/messages/" + id, key, null))
                .get("status")
                .asString();
    }

    /** One real request; its answer is checked against the operation {@code template} of the document. */
    private static Answer call(String method, String template, String path, Map<String, String> headers, String json)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) request.header("Content-Type", "application/json");
        if (headers != null) headers.forEach(request::header);
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        contract.check(
                method,
                template,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.body());
        return new Answer(response.statusCode(), response.body());
    }

    /** Collects "METHOD /path" of every route a RouterFunction holds. */
    private record RouteLister(Set<String> routes) implements RouterFunctions.Visitor {
        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            List<String> methods = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            predicate.accept(new RequestPredicates.Visitor() {
                public void method(Set<HttpMethod> set) {
                    set.forEach(m -> methods.add(m.name()));
                }

                public void path(String pattern) {
                    paths.add(pattern);
                }

                public void pathExtension(String extension) {}

                public void header(String name, String value) {}

                public void queryParam(String name, String value) {}

                public void version(String version) {}

                public void startAnd() {}

                public void and() {}

                public void endAnd() {}

                public void startOr() {}

                public void or() {}

                public void endOr() {}

                public void startNegate() {}

                public void endNegate() {}

                public void unknown(RequestPredicate unknown) {}
            });
            for (String m : methods) for (String p : paths) routes.add(m + " " + p);
        }

        @Override
        public void startNested(RequestPredicate predicate) {}

        @Override
        public void endNested(RequestPredicate predicate) {}

        @Override
        public void resources(
                java.util.function.Function<ServerRequest, Mono<org.springframework.core.io.Resource>> lookup) {}

        @Override
        public void attributes(Map<String, Object> attributes) {}

        @Override
        public void unknown(RouterFunction<?> routerFunction) {}
    }
}
