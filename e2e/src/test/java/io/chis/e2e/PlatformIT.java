package io.chis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chis.e2e.node.Cluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole platform run as Kubernetes runs it: a WebhookPlatform applied to the mock API server, the real operator
 * jar reconciling it, and the node simulator running what the operator created as real processes (the runtime jar,
 * PostgreSQL, Redis). Each scenario prints one line of figures.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {
    static final String NS = "shop";
    static Cluster cluster;
    static Receiver receiver;
    static ChisApi api;
    static String[] account;

    @BeforeAll
    static void start() {
        cluster = new Cluster("platform", true);
        cluster.images.addedRuntimeEnv.put("CHIS_ALLOW_PRIVATE_TARGETS", "true");
        cluster.startOperator("CHIS_OPERATOR_STATS_INTERVAL=2s");
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static GenericKubernetesResource platform() {
        return cluster.client.genericKubernetesResources("chis.io/v1alpha1", "WebhookPlatform").inNamespace(NS).withName("chis").get();
    }

    static Optional<Map<String, Object>> condition(GenericKubernetesResource resource, String type) {
        if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) ((Map<String, Object>) status).get("conditions");
        return Optional.ofNullable(conditions).flatMap(l -> l.stream().filter(c -> type.equals(c.get("type"))).findFirst());
    }

    static <T> T await(String what, Duration atMost, Callable<T> read, java.util.function.Predicate<T> done) {
        try {
            return Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(read, done::test);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " did not happen\n--- operator log\n" + cluster.operatorLog()
                    + "\n--- node log\n" + Cluster.tail(cluster.work.resolve("node.log")), e);
        }
    }

    static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    @Order(1)
    void scenario1_platformComesUpInOrder() {
        long t0 = System.nanoTime();
        cluster.apply(NS, """
                apiVersion: chis.io/v1alpha1
                kind: WebhookPlatform
                metadata: {name: chis}
                spec:
                  image: ghcr.io/chis-io/chis-runtime:0.1.0
                  database: {managed: {storage: 1Gi}}
                  redis: {managed: {}}
                """);
        var c = cluster.client;
        await("PostgreSQL ready", Duration.ofMinutes(2), () -> c.apps().statefulSets().inNamespace(NS).withName("chis-postgres").get(),
                s -> s != null && s.getStatus() != null && Optional.ofNullable(s.getStatus().getReadyReplicas()).orElse(0) == 1);
        double postgres = since(t0);
        await("migration Job complete", Duration.ofMinutes(2), () -> c.batch().v1().jobs().inNamespace(NS).list().getItems(),
                jobs -> jobs.stream().anyMatch(j -> j.getStatus() != null && Optional.ofNullable(j.getStatus().getSucceeded()).orElse(0) == 1));
        double migrated = since(t0);
        for (String role : List.of("api", "delivery", "worker", "scheduler")) {
            await(role + " Deployment available", Duration.ofMinutes(3), () -> c.apps().deployments().inNamespace(NS).withName("chis-" + role).get(),
                    d -> d != null && d.getStatus() != null && Optional.ofNullable(d.getStatus().getAvailableReplicas()).orElse(0) >= 1);
        }
        double roles = since(t0);
        GenericKubernetesResource ready = await("platform Ready=True", Duration.ofMinutes(1), PlatformIT::platform,
                p -> condition(p, "Ready").map(r -> "True".equals(r.get("status"))).orElse(false));
        double platformReady = since(t0);
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) ready.getAdditionalProperties().get("status");
        assertThat(((Number) status.get("observedGeneration")).longValue()).isEqualTo(ready.getMetadata().getGeneration());
        String apiUrl = (String) status.get("apiUrl");
        api = new ChisApi(apiUrl);
        ChisApi.Reply health = api.call("GET", "/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        System.out.printf("scenario 1: PostgreSQL ready %.1fs, migration Job done %.1fs, 4 roles available %.1fs, platform Ready %.1fs"
                        + " (observedGeneration %s), apiUrl %s answers /health %d; %d pods, %d processes, probe restarts %d%s%n",
                postgres, migrated, roles, platformReady, status.get("observedGeneration"), apiUrl, health.status(),
                cluster.node.podCount(), cluster.node.liveProcesses(), cluster.node.probeRestarts(),
                cluster.images.runtimeBindsPodAddress() ? "" : " [" + io.chis.e2e.node.Images.PORT_REMAP_NOTE + "]");
    }

    @Test
    @Order(2)
    void scenario2_sendThroughTheApiPodIsDeliveredSignedAndVerifiable() throws Exception {
        account = api.account("ada@example.com");
        long t0 = System.nanoTime();
        ChisApi.Reply sent = api.call("POST", "/webhook/send", account[1],
                Map.of("url", receiver.url("/hooks"), "eventType", "order.created", "payload", Map.of("order", 42)));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
        String id = sent.body().path("id").asText();
        await("delivery of " + id, Duration.ofSeconds(60), () -> receiver.distinct(), n -> n >= 1);
        double deliveredAfter = since(t0);
        Receiver.Arrival arrival = receiver.byId.values().iterator().next().get(0);
        JsonNode secret = api.call("GET", "/api/signing-secret", account[0], null).body();
        String key = secret.path("secret").asText();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(key.substring("whsec_".length())), "HmacSHA256"));
        mac.update((arrival.id() + "." + arrival.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(arrival.body()));
        assertThat(List.of(arrival.signature().split(" "))).contains(expected);
        JsonNode message = await("message delivered", Duration.ofSeconds(30),
                () -> api.call("GET", "/webhook/messages/" + id, account[1], null).body(),
                m -> "delivered".equals(m.path("status").asText()));
        System.out.printf("scenario 2: registered, logged in, API key; sent 1, delivered %d (duplicates %d) in %.2fs, "
                        + "signature verified with the account secret, message status %s%n",
                receiver.distinct(), receiver.duplicates(), deliveredAfter, message.path("status").asText());
    }
}
