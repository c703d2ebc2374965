package io.chis.operator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chis.operator.OperatorHarness;
import io.chis.operator.admin.SyncProblem;
import io.chis.operator.api.Condition;
import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEventType;
import io.chis.operator.eventtype.EventTypeReconciler;
import io.chis.operator.platform.PlatformSecrets;
import io.chis.operator.platform.Platforms;
import io.chis.operator.policy.DeliveryPolicyReconciler;
import io.chis.operator.support.Conditions;
import io.chis.operator.support.Labels;
import io.chis.proto.v1.EndpointStats;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator on the mock API server, syncing DeliveryPolicy and WebhookEndpoint resources into a real runtime
 * (all roles, embedded PostgreSQL and Redis, started once for the class) over its admin gRPC API, while the test
 * sends webhooks through the runtime's REST API to a real receiver.
 */
class EndpointOperatorIT {
    private static final String NS = "shop";
    private static RuntimeProcess runtime;
    private static Receiver receiver;
    private static OperatorHarness k8s;

    @BeforeAll
    static void start() throws Exception {
        runtime = RuntimeProcess.start("endpoint-operator");
        receiver = new Receiver();
        k8s = new OperatorHarness(
                s -> s.withAdminApi("localhost:" + runtime.grpcPort, Duration.ofSeconds(1), Duration.ofMillis(500)));
        platform(NS, "chis");
    }

    @AfterAll
    static void stop() {
        if (k8s != null) {
            k8s.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void anEndpointIsSyncedDeliveredToWithItsGeneratedSecretAndReportsItsStats() throws Exception {
        String apiKey = runtime.signUp("ada@example.com", NS);
        k8s.create(policy(NS, "standard", 5, "1s"));
        k8s.create(endpoint(NS, "orders", "ada@example.com", receiver.url("/orders"), "standard", "order.*"));

        WebhookEndpoint synced = awaitReady(NS, "orders", EndpointStatusBuilder.SYNCED);
        assertThat(synced.getMetadata().getFinalizers()).contains(EndpointReconciler.FINALIZER);
        assertThat(synced.getStatus().getPlatform()).isEqualTo("chis");
        assertThat(synced.getStatus().getEndpointId()).isNotBlank();
        assertThat(synced.getStatus().getSecretRef().getName()).isEqualTo("orders-signing");
        assertThat(synced.getStatus().getSecretRef().getKey()).isEqualTo(SigningSecrets.KEY);
        assertThat(synced.getStatus().getDelivered()).isZero();

        // the generated signing Secret belongs to the endpoint and stays the same across reconciles
        Secret signing = k8s.get(Secret.class, NS, "orders-signing");
        assertThat(signing.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref ->
                        assertThat(ref.getUid()).isEqualTo(synced.getMetadata().getUid()));
        assertThat(signing.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);
        String secret = PlatformSecrets.value(signing, SigningSecrets.KEY).orElseThrow();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length())))
                .hasSize(24);

        // an event of a subscribed type reaches the receiver, signed with that secret
        JsonNode sent = runtime.send(apiKey, "order.created", Map.of("orderId", 1001));
        assertThat(sent.get("deliveries").asInt()).isEqualTo(1);
        Receiver.Request request = eventually()
                .until(() -> receiver.to("/orders"), r -> !r.isEmpty())
                .get(0);
        assertThat(request.header("webhook-id")).isEqualTo(sent.get("id").asText());
        assertThat(request.body()).isEqualTo("{\"orderId\":1001}");
        assertThat(verifies(request, secret))
                .as("Standard Webhooks signature with the generated secret")
                .isTrue();

        // the stats come back into status
        WebhookEndpoint counted = awaitEndpoint(
                NS,
                "orders",
                e -> e.getStatus() != null
                        && Long.valueOf(1).equals(e.getStatus().getDelivered()));
        assertThat(counted.getStatus().getLastStatusCode()).isEqualTo(204);
        assertThat(counted.getStatus().getLastAttemptAt()).isNotBlank();
        assertThat(counted.getStatus().getFailed()).isZero();
        assertThat(counted.getStatus().getHealth().getLastSuccessAt()).isNotBlank();
        assertThat(counted.getStatus().getHealth().getConsecutiveFailures()).isZero();
        assertThat(counted.getStatus().getHealth().getSuccessRate1h()).isEqualTo(1.0);
        assertThat(ready(counted).isTrue()).isTrue();
        assertThat(k8s.get(Secret.class, NS, "orders-signing").getMetadata().getResourceVersion())
                .isEqualTo(signing.getMetadata().getResourceVersion());
        assertThat(counted.getSpec().getEventTypes()).as("spec untouched").containsExactly("order.*");
    }

    @Test
    void aPolicyChangeReachesTheEndpointsThatFollowIt() throws Exception {
        String apiKey = runtime.signUp("grace@example.com", NS);
        receiver.answer.set(500); // only /billing is sent to while this test runs
        try {
            k8s.create(policy(NS, "fragile", 0, "1s"));
            k8s.create(endpoint(NS, "billing", "grace@example.com", receiver.url("/billing"), "fragile", "invoice.*"));
            awaitReady(NS, "billing", EndpointStatusBuilder.SYNCED);
            assertThat(awaitPolicy("fragile", DeliveryPolicyReconciler.SYNCED)
                            .getStatus()
                            .getSchedule())
                    .isEqualTo("none");

            String first = runtime.send(apiKey, "invoice.created", Map.of("n", 1))
                    .get("id")
                    .asText();
            assertThat(attempts(awaitDead(apiKey, first))).isEqualTo(1);

            DeliveryPolicy edited = k8s.client
                    .resources(DeliveryPolicy.class)
                    .inNamespace(NS)
                    .withName("fragile")
                    .edit(p -> {
                        p.getSpec().setMaxRetries(2);
                        p.getSpec().setInitialDelay("300ms");
                        return p;
                    });
            DeliveryPolicy synced = awaitPolicy(
                    "fragile",
                    DeliveryPolicyReconciler.SYNCED,
                    edited.getMetadata().getGeneration());
            assertThat(synced.getStatus().getSchedule()).isEqualTo("300ms,600ms");

            String second = runtime.send(apiKey, "invoice.created", Map.of("n", 2))
                    .get("id")
                    .asText();
            JsonNode dead = awaitDead(apiKey, second);
            assertThat(attempts(dead))
                    .as("the new policy: 1 attempt + 2 retries")
                    .isEqualTo(3);
            List<Receiver.Request> tries = receiver.to("/billing").stream()
                    .filter(r -> second.equals(r.header("webhook-id")))
                    .toList();
            assertThat(tries).hasSize(3);
            assertThat(Duration.between(tries.get(0).at(), tries.get(1).at()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(Duration.between(tries.get(1).at(), tries.get(2).at()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500));

            WebhookEndpoint counted = awaitEndpoint(
                    NS,
                    "billing",
                    e -> e.getStatus() != null
                            && Long.valueOf(2).equals(e.getStatus().getDeadLettered()));
            assertThat(counted.getStatus().getFailed()).isEqualTo(4);
            assertThat(counted.getStatus().getLastStatusCode()).isEqualTo(500);
        } finally {
            receiver.answer.set(204);
        }
    }

    @Test
    void deletingCleansUpTheRuntime() throws Exception {
        runtime.signUp("lin@example.com", NS);
        k8s.create(policy(NS, "short-lived", 1, "1s"));
        k8s.create(endpoint(NS, "temp", "lin@example.com", receiver.url("/temp"), "short-lived", "*"));
        awaitReady(NS, "temp", EndpointStatusBuilder.SYNCED);
        assertThat(runtime.stats(NS + "/temp").getMissingPolicy()).isEmpty();

        // the policy goes: out of the runtime, and the endpoint says so
        k8s.client
                .resources(DeliveryPolicy.class)
                .inNamespace(NS)
                .withName("short-lived")
                .delete();
        OperatorHarness.await(() -> k8s.get(DeliveryPolicy.class, NS, "short-lived") == null ? true : null);
        assertThat(runtime.stats(NS + "/temp").getMissingPolicy()).isEqualTo("short-lived");
        awaitReady(NS, "temp", EndpointStatusBuilder.POLICY_NOT_FOUND);

        // the endpoint goes: out of the runtime, then the finalizer lets the resource go
        k8s.client
                .resources(WebhookEndpoint.class)
                .inNamespace(NS)
                .withName("temp")
                .delete();
        OperatorHarness.await(() -> k8s.get(WebhookEndpoint.class, NS, "temp") == null ? true : null);
        assertThatThrownBy(() -> runtime.stats(NS + "/temp"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void anInvalidFilterIsInvalidSpecAndAValidOneNarrowsWhatTheEndpointGets() throws Exception {
        String apiKey = runtime.signUp("fil@example.com", NS);
        WebhookEndpoint filtered = endpoint(NS, "filtered", "fil@example.com", receiver.url("/filtered"), null, "*");
        filtered.getSpec()
                .setFilter(new ObjectMapper().readTree("{\"payload.amount\": {\"$gte\": \"x\", \"$in\": 1}}"));
        filtered.getSpec().setOrdering("fifo");
        k8s.create(filtered);
        Condition invalid = ready(awaitReady(NS, "filtered", SyncProblem.INVALID_SPEC));
        assertThat(invalid.getMessage()).contains("path 'payload.amount': $in takes an array");

        k8s.client
                .resources(WebhookEndpoint.class)
                .inNamespace(NS)
                .withName("filtered")
                .edit(e -> {
                    e.getSpec()
                            .setFilter(new ObjectMapper()
                                    .createObjectNode()
                                    .set(
                                            "payload.amount",
                                            new ObjectMapper()
                                                    .createObjectNode()
                                                    .put("$gte", 100)));
                    return e;
                });
        awaitReady(NS, "filtered", EndpointStatusBuilder.SYNCED);
        assertThat(runtime.send(apiKey, "order.created", Map.of("amount", 5))
                        .get("deliveries")
                        .asInt())
                .isZero();
        assertThat(runtime.send(apiKey, "order.created", Map.of("amount", 500))
                        .get("deliveries")
                        .asInt())
                .isEqualTo(1);
        assertThat(eventually()
                        .until(() -> receiver.to("/filtered"), r -> !r.isEmpty())
                        .get(0)
                        .body())
                .isEqualTo("{\"amount\":500}");
    }

    @Test
    void aMissingPolicyOrOwnerIsReportedAndRecoversWhenItAppears() throws Exception {
        runtime.signUp("kay@example.com", NS);
        k8s.create(endpoint(NS, "later", "kay@example.com", receiver.url("/later"), "not-yet", "user.*"));
        Condition missingPolicy = ready(awaitReady(NS, "later", EndpointStatusBuilder.POLICY_NOT_FOUND));
        assertThat(missingPolicy.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(missingPolicy.getMessage()).contains("DeliveryPolicy not-yet");
        k8s.create(policy(NS, "not-yet", 3, "2s"));
        awaitReady(NS, "later", EndpointStatusBuilder.SYNCED);

        k8s.create(endpoint(NS, "orphan", "nobody@example.com", receiver.url("/orphan"), null, "*"));
        Condition noOwner = ready(awaitReady(NS, "orphan", "OwnerNotFound"));
        assertThat(noOwner.getMessage()).contains("nobody@example.com");
        // the account exists now, but has not let this namespace's resources act for it
        runtime.signUp("nobody@example.com");
        Condition noConsent = ready(awaitReady(NS, "orphan", SyncProblem.OWNER_CONSENT_MISSING));
        assertThat(noConsent.getMessage()).contains("POST /api/namespace-grants", "\"namespace\": \"" + NS + "\"");
        runtime.grant("nobody@example.com", NS);
        assertThat(awaitReady(NS, "orphan", EndpointStatusBuilder.SYNCED)
                        .getStatus()
                        .getEndpointId())
                .isNotBlank();
    }

    @Test
    void aSecretRefIsUsedOnlyOnceTheSecretIsLabelledAsASigningSecret() throws Exception {
        runtime.signUp("sam@example.com", NS);
        Secret secret = new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("sam-signing")
                .endMetadata()
                .addToData(
                        "key",
                        Base64.getEncoder()
                                .encodeToString(
                                        io.chis.common.SigningSecret.generate().getBytes(StandardCharsets.UTF_8)))
                .build();
        k8s.create(secret);
        WebhookEndpoint endpoint = endpoint(NS, "sam", "sam@example.com", receiver.url("/sam"), null, "*");
        endpoint.getSpec().setSecretRef(new io.chis.operator.api.SecretKeyRef("sam-signing", "key"));
        k8s.create(endpoint);
        Condition unlabelled = ready(awaitReady(NS, "sam", "SecretNotLabelled"));
        assertThat(unlabelled.getMessage())
                .contains("chis.io/signing-secret=true")
                .contains("sam-signing");

        k8s.client
                .secrets()
                .inNamespace(NS)
                .withName("sam-signing")
                .edit(s -> new io.fabric8.kubernetes.api.model.SecretBuilder(s)
                        .editMetadata()
                        .addToLabels(SigningSecrets.LABEL, "true")
                        .endMetadata()
                        .build());
        assertThat(awaitReady(NS, "sam", EndpointStatusBuilder.SYNCED)
                        .getStatus()
                        .getSecretRef()
                        .getName())
                .isEqualTo("sam-signing");
    }

    @Test
    void anEndpointWithoutPlatformWaitsForOneAndSyncsWhenItCanReachIt() throws Exception {
        runtime.signUp("max@example.com", "billing");
        k8s.create(endpoint("billing", "ledger", "max@example.com", receiver.url("/ledger"), null, "*"));
        assertThat(ready(awaitReady("billing", "ledger", "PlatformNotFound")).getMessage())
                .contains("no WebhookPlatform in namespace billing");

        // the platform appears with an admin token this runtime does not know: unreachable, then reachable
        k8s.create(Platforms.plaintextGrpc(Platforms.managed("billing", "pay")));
        awaitEndpoint(
                "billing",
                "ledger",
                e -> Optional.ofNullable(e.getStatus())
                        .flatMap(s -> Conditions.find(s, Conditions.READY))
                        .filter(c -> "PlatformUnavailable".equals(c.getReason())
                                && c.getMessage().contains("UNAUTHENTICATED"))
                        .isPresent());
        useRuntimeToken("billing", "pay");
        WebhookEndpoint synced = awaitReady("billing", "ledger", EndpointStatusBuilder.SYNCED);
        assertThat(synced.getStatus().getPlatform()).isEqualTo("pay");
        EndpointStats stats = runtime.stats("billing/ledger");
        assertThat(stats.getId()).isEqualTo(synced.getStatus().getEndpointId());
    }

    @Test
    void anEndpointTheReceiverRetiredWith410IsReportedUntilTheResourceTurnsItBackOn() throws Exception {
        String apiKey = runtime.signUp("eve@example.com", NS);
        receiver.answers.put("/retired", 410);
        k8s.create(endpoint(NS, "retired", "eve@example.com", receiver.url("/retired"), null, "shipment.*"));
        awaitReady(NS, "retired", EndpointStatusBuilder.SYNCED);

        runtime.send(apiKey, "shipment.sent", Map.of("n", 1));
        WebhookEndpoint disabled = awaitReady(NS, "retired", EndpointStatusBuilder.ENDPOINT_DISABLED);
        assertThat(disabled.getStatus().getDisabledReason()).contains("410");
        assertThat(disabled.getStatus().getDisabled()).isTrue();
        assertThat(ready(disabled).getMessage()).contains("spec.disabled");
        assertThat(awaitEvent("retired", DisabledEvents.DISABLED).getMessage()).contains("410");
        assertThat(awaitEvent("retired", DisabledEvents.DISABLED).getType()).isEqualTo("Warning");
        assertThat(disabled.getStatus().getDeadLettered()).isEqualTo(1);
        assertThat(runtime.send(apiKey, "shipment.sent", Map.of("n", 2))
                        .get("deliveries")
                        .asInt())
                .as("nothing sent to it")
                .isZero();

        // the receiver is back; the resource says so by a change (disabled, then not)
        receiver.answers.remove("/retired");
        setDisabled("retired", true);
        assertThat(ready(awaitReady(NS, "retired", EndpointStatusBuilder.SYNCED))
                        .getMessage())
                .contains("disabled by spec.disabled");
        setDisabled("retired", null);
        WebhookEndpoint back = awaitEndpoint(
                NS,
                "retired",
                e -> e.getStatus().getObservedGeneration() == 3
                        && EndpointStatusBuilder.SYNCED.equals(ready(e).getReason())
                        && e.getStatus().getDisabledReason() == null);
        assertThat(ready(back).isTrue()).isTrue();
        assertThat(back.getStatus().getDisabled()).isFalse();
        assertThat(awaitEvent("retired", DisabledEvents.ENABLED).getMessage()).contains("again");
        assertThat(runtime.send(apiKey, "shipment.sent", Map.of("n", 3))
                        .get("deliveries")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void aWebhookEventTypeIsSyncedAndItsSchemaChecksSends() throws Exception {
        String apiKey = runtime.signUp("mary@example.com", NS);
        k8s.create(eventType(
                "order-created",
                "mary@example.com",
                "order.created",
                "{\"type\":\"object\",\"required\":[\"id\",\"total\"],"
                        + "\"properties\":{\"id\":{\"type\":\"string\"}}}"));
        WebhookEventType synced = awaitEventType("order-created", EventTypeReconciler.SYNCED);
        assertThat(synced.getMetadata().getFinalizers()).contains(EventTypeReconciler.FINALIZER);
        assertThat(Conditions.find(synced.getStatus(), Conditions.READY)
                        .orElseThrow()
                        .getMessage())
                .contains("order.created")
                .contains("chis");

        JsonNode refused = runtime.sendRefused(apiKey, "order.created", Map.of("id", 7), 422);
        assertThat(refused.get("violations").findValuesAsText("pointer")).contains("/id", "");
        assertThat(refused.get("violations").toString()).contains("total");
        assertThat(runtime.send(apiKey, "order.created", Map.of("id", "o-1", "total", 3))
                        .get("id")
                        .asText())
                .isNotBlank();

        // a schema the runtime cannot use, or an owner it does not know, is said in status
        k8s.create(eventType("broken", "mary@example.com", "order.broken", "{\"type\":\"strng\"}"));
        assertThat(Conditions.find(
                                awaitEventType("broken", EventTypeReconciler.INVALID_EVENT_TYPE)
                                        .getStatus(),
                                Conditions.READY)
                        .orElseThrow()
                        .getMessage())
                .contains("/type");
        k8s.create(eventType("orphan", "nobody@example.com", "order.orphan", null));
        awaitEventType("orphan", SyncProblem.OWNER_NOT_FOUND);

        // deleting the resource removes the type from the runtime: any payload goes again
        k8s.client
                .resources(WebhookEventType.class)
                .inNamespace(NS)
                .withName("order-created")
                .delete();
        eventually().until(() -> k8s.get(WebhookEventType.class, NS, "order-created") == null);
        assertThat(runtime.send(apiKey, "order.created", Map.of("id", 7))
                        .get("id")
                        .asText())
                .isNotBlank();
    }

    // ---- fixtures ----

    private static void setDisabled(String name, Boolean disabled) {
        k8s.client
                .resources(WebhookEndpoint.class)
                .inNamespace(NS)
                .withName(name)
                .edit(e -> {
                    e.getSpec().setDisabled(disabled);
                    return e;
                });
    }

    /** The test runtime serves gRPC in plaintext (it is started before any platform exists to issue it a certificate). */
    private static void platform(String namespace, String name) {
        k8s.create(Platforms.plaintextGrpc(Platforms.managed(namespace, name)));
        useRuntimeToken(namespace, name);
    }

    /** The platform's generated admin token replaced by the test runtime's (its delivery role is that runtime). */
    private static void useRuntimeToken(String namespace, String name) {
        k8s.awaitExists(Secret.class, namespace, name + "-runtime");
        k8s.client.secrets().inNamespace(namespace).withName(name + "-runtime").edit(s -> {
            s.getData()
                    .put(
                            PlatformSecrets.ADMIN_TOKEN,
                            Base64.getEncoder().encodeToString(runtime.adminToken.getBytes(StandardCharsets.UTF_8)));
            return s;
        });
    }

    private static DeliveryPolicy policy(String namespace, String name, int maxRetries, String initialDelay) {
        DeliveryPolicy policy = new DeliveryPolicy();
        policy.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        policy.getSpec().setMaxRetries(maxRetries);
        policy.getSpec().setInitialDelay(initialDelay);
        return policy;
    }

    private static WebhookEndpoint endpoint(
            String namespace, String name, String owner, String url, String policy, String... types) {
        WebhookEndpoint endpoint = new WebhookEndpoint();
        endpoint.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        endpoint.getSpec().setOwner(owner);
        endpoint.getSpec().setUrl(url);
        endpoint.getSpec().setPolicyRef(policy);
        endpoint.getSpec().setEventTypes(List.of(types));
        return endpoint;
    }

    private static WebhookEventType eventType(String name, String owner, String type, String schema) throws Exception {
        WebhookEventType eventType = new WebhookEventType();
        eventType.setMetadata(
                new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        eventType.getSpec().setOwner(owner);
        eventType.getSpec().setName(type);
        eventType.getSpec().setDescription("test type " + type);
        eventType.getSpec().setSchema(schema == null ? null : new ObjectMapper().readTree(schema));
        return eventType;
    }

    private static WebhookEventType awaitEventType(String name, String reason) {
        return eventually()
                .until(
                        () -> k8s.get(WebhookEventType.class, NS, name),
                        t -> t != null
                                && t.getStatus() != null
                                && t.getMetadata()
                                        .getGeneration()
                                        .equals(t.getStatus().getObservedGeneration())
                                && Conditions.find(t.getStatus(), Conditions.READY)
                                        .filter(c -> reason.equals(c.getReason()))
                                        .isPresent());
    }

    /** The Event recorded on the WebhookEndpoint with this reason. */
    private static io.fabric8.kubernetes.api.model.Event awaitEvent(String name, String reason) {
        return eventually()
                .until(
                        () -> k8s.client.v1().events().inNamespace(NS).list().getItems().stream()
                                .filter(e -> name.equals(e.getInvolvedObject().getName())
                                        && "WebhookEndpoint"
                                                .equals(e.getInvolvedObject().getKind())
                                        && reason.equals(e.getReason()))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
    }

    private static WebhookEndpoint awaitEndpoint(String namespace, String name, Predicate<WebhookEndpoint> test) {
        return eventually()
                .until(() -> k8s.get(WebhookEndpoint.class, namespace, name), e -> e != null && test.test(e));
    }

    private static WebhookEndpoint awaitReady(String namespace, String name, String reason) {
        return awaitEndpoint(
                namespace,
                name,
                e -> Optional.ofNullable(e.getStatus())
                                .flatMap(s -> Conditions.find(s, Conditions.READY))
                                .filter(c -> reason.equals(c.getReason()))
                                .isPresent()
                        && e.getMetadata().getGeneration().equals(e.getStatus().getObservedGeneration()));
    }

    private static DeliveryPolicy awaitPolicy(String name, String reason) {
        return awaitPolicy(name, reason, null);
    }

    private static DeliveryPolicy awaitPolicy(String name, String reason, Long generation) {
        return eventually()
                .until(
                        () -> k8s.get(DeliveryPolicy.class, NS, name),
                        p -> p != null
                                && p.getStatus() != null
                                && (generation == null
                                        || generation.equals(p.getStatus().getObservedGeneration()))
                                && Conditions.find(p.getStatus(), Conditions.READY)
                                        .filter(c -> reason.equals(c.getReason()))
                                        .isPresent());
    }

    private static Condition ready(WebhookEndpoint endpoint) {
        return Conditions.find(endpoint.getStatus(), Conditions.READY).orElseThrow();
    }

    private static JsonNode awaitDead(String apiKey, String id) {
        return eventually()
                .until(
                        () -> runtime.message(apiKey, id),
                        m -> "dead".equals(m.get("status").asText()));
    }

    private static int attempts(JsonNode message) {
        return message.get("deliveries").get(0).get("attempts").size();
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)) among the space-separated signatures. */
    private static boolean verifies(Receiver.Request request, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String signed = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "." + request.body();
        String expected =
                "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        return Arrays.asList(request.header("webhook-signature").split(" ")).contains(expected);
    }
}
