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
import org.junit.jupiter.api.Tag;
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
        // a killed worker's unacknowledged entries are taken over after CHIS_CLAIM_TIMEOUT (default 60 s): shorter here
        cluster.images.addedRuntimeEnv.put("CHIS_DELIVERY_TIMEOUT", "5s");
        cluster.images.addedRuntimeEnv.put("CHIS_CLAIM_TIMEOUT", "10s");
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
        return cluster.client
                .genericKubernetesResources("chis.io/v1alpha1", "WebhookPlatform")
                .inNamespace(NS)
                .withName("chis")
                .get();
    }

    static Optional<Map<String, Object>> condition(GenericKubernetesResource resource, String type) {
        if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> conditions =
                (List<Map<String, Object>>) ((Map<String, Object>) status).get("conditions");
        return Optional.ofNullable(conditions)
                .flatMap(l -> l.stream().filter(c -> type.equals(c.get("type"))).findFirst());
    }

    static <T> T await(String what, Duration atMost, Callable<T> read, java.util.function.Predicate<T> done) {
        try {
            return Awaitility.await(what)
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(read, done::test);
        } catch (RuntimeException e) {
            throw new AssertionError(
                    what + " did not happen\n--- operator log\n" + cluster.operatorLog() + "\n--- node log\n"
                            + Cluster.tail(cluster.work.resolve("node.log")),
                    e);
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
                  # the receivers are on loopback, and the scenarios sign their accounts up over REST
                  allowPrivateTargets: true
                  api: {registration: open, service: {type: LoadBalancer}}
                """);
        var c = cluster.client;
        await(
                "PostgreSQL ready",
                Duration.ofMinutes(2),
                () -> c.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("chis-postgres")
                        .get(),
                s -> s != null
                        && s.getStatus() != null
                        && Optional.ofNullable(s.getStatus().getReadyReplicas()).orElse(0) == 1);
        double postgres = since(t0);
        await(
                "migration Job complete",
                Duration.ofMinutes(2),
                () -> c.batch().v1().jobs().inNamespace(NS).list().getItems(),
                jobs -> jobs.stream()
                        .anyMatch(j -> j.getStatus() != null
                                && Optional.ofNullable(j.getStatus().getSucceeded())
                                                .orElse(0)
                                        == 1));
        double migrated = since(t0);
        for (String role : List.of("api", "delivery", "worker", "scheduler")) {
            await(
                    role + " Deployment available",
                    Duration.ofMinutes(3),
                    () -> c.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("chis-" + role)
                            .get(),
                    d -> d != null
                            && d.getStatus() != null
                            && Optional.ofNullable(d.getStatus().getAvailableReplicas())
                                            .orElse(0)
                                    >= 1);
        }
        double roles = since(t0);
        GenericKubernetesResource ready = await(
                "platform Ready=True",
                Duration.ofMinutes(1),
                PlatformIT::platform,
                p -> condition(p, "Ready")
                        .map(r -> "True".equals(r.get("status")))
                        .orElse(false));
        double platformReady = since(t0);
        @SuppressWarnings("unchecked")
        Map<String, Object> status =
                (Map<String, Object>) ready.getAdditionalProperties().get("status");
        assertThat(((Number) status.get("observedGeneration")).longValue())
                .isEqualTo(ready.getMetadata().getGeneration());
        String apiUrl = (String) status.get("apiUrl");
        api = new ChisApi(apiUrl);
        ChisApi.Reply health = api.call("GET", "/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        System.out.printf(
                "scenario 1: PostgreSQL ready %.1fs, migration Job done %.1fs, 4 roles available %.1fs, platform Ready %.1fs"
                        + " (observedGeneration %s), apiUrl %s answers /health %d; %d pods, %d processes, probe restarts %d%s%n",
                postgres,
                migrated,
                roles,
                platformReady,
                status.get("observedGeneration"),
                apiUrl,
                health.status(),
                cluster.node.podCount(),
                cluster.node.liveProcesses(),
                cluster.node.probeRestarts(),
                cluster.images.runtimeBindsPodAddress() ? "" : " [" + io.chis.e2e.node.Images.PORT_REMAP_NOTE + "]");
    }

    @Test
    @Order(2)
    void scenario2_sendThroughTheApiPodIsDeliveredSignedAndVerifiable() throws Exception {
        account = api.account("ada@example.com");
        long t0 = System.nanoTime();
        ChisApi.Reply sent = api.call(
                "POST",
                "/webhook/send",
                account[1],
                Map.of("url", receiver.url("/hooks"), "eventType", "order.created", "payload", Map.of("order", 42)));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
        String id = sent.body().path("id").asText();
        await("delivery of " + id, Duration.ofSeconds(60), () -> receiver.distinct(), n -> n >= 1);
        double deliveredAfter = since(t0);
        Receiver.Arrival arrival = receiver.byId.values().iterator().next().get(0);
        JsonNode secret =
                api.call("GET", "/api/signing-secret", account[0], null).body();
        String key = secret.path("secret").asText();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(key.substring("whsec_".length())), "HmacSHA256"));
        mac.update((arrival.id() + "." + arrival.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(arrival.body()));
        assertThat(List.of(arrival.signature().split(" "))).contains(expected);
        JsonNode message = await(
                "message delivered",
                Duration.ofSeconds(30),
                () -> api.call("GET", "/webhook/messages/" + id, account[1], null)
                        .body(),
                m -> "delivered".equals(m.path("status").asText()));
        System.out.printf(
                "scenario 2: registered, logged in, API key; sent 1, delivered %d (duplicates %d) in %.2fs, "
                        + "signature verified with the account secret, message status %s%n",
                receiver.distinct(),
                receiver.duplicates(),
                deliveredAfter,
                message.path("status").asText());
    }

    // ---- scenarios 3-8: make e2e only (about ten JVMs on two cores is too much for every CI run)

    static final String FULL = "full";

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(GenericKubernetesResource resource) {
        Object status =
                resource == null ? null : resource.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static GenericKubernetesResource resource(String kind, String name) {
        return cluster.client
                .genericKubernetesResources("chis.io/v1alpha1", kind)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    static boolean isReady(GenericKubernetesResource resource) {
        return condition(resource, "Ready")
                .map(r -> "True".equals(r.get("status")))
                .orElse(false);
    }

    /** {@code kubectl edit webhookplatform chis}: changes the spec, returns the new generation. */
    @SuppressWarnings("unchecked")
    static long editPlatform(java.util.function.Consumer<Map<String, Object>> change) {
        GenericKubernetesResource edited = cluster.client
                .genericKubernetesResources("chis.io/v1alpha1", "WebhookPlatform")
                .inNamespace(NS)
                .withName("chis")
                .edit(p -> {
                    change.accept(
                            (Map<String, Object>) p.getAdditionalProperties().get("spec"));
                    return p;
                });
        return edited.getMetadata().getGeneration();
    }

    /** The platform reports Ready=True for {@code generation}: every role rolled out as asked. */
    static void awaitPlatformSettled(String what, long generation, Duration atMost) {
        await(
                what,
                atMost,
                PlatformIT::platform,
                p -> isReady(p)
                        && ((Number) status(p).getOrDefault("observedGeneration", 0)).longValue() >= generation
                        && List.of("api", "delivery", "worker", "scheduler").stream()
                                .allMatch(PlatformIT::roleSettled));
    }

    /** As {@code kubectl rollout status}: every pod of the role runs the current template and is ready. */
    static boolean roleSettled(String role) {
        var d = cluster.client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("chis-" + role)
                .get();
        return d != null && cluster.node.rolledOut(d);
    }

    /** Waits until every message {@code load} got accepted has reached the receiver. */
    static double awaitAllDelivered(Load load, Duration atMost) {
        long t0 = System.nanoTime();
        await(
                "every accepted message delivered (" + load.accepted.size() + ")",
                atMost,
                () -> receiver.arrived(load.accepted),
                n -> n == load.accepted.size());
        return since(t0);
    }

    /** {@code webhooks_delivered_total{status="success"}} from a worker pod's /metrics, as Prometheus scrapes it. */
    static long deliveredBy(io.chis.e2e.node.SimPod worker) {
        var metrics = worker.port("metrics");
        String text = new ChisApi("http://" + metrics.getHostString() + ":" + metrics.getPort()).text("/metrics");
        return text.lines()
                .filter(l -> l.startsWith("webhooks_delivered_total") && l.contains("status=\"success\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static int roleRestarts() {
        return List.of("api", "delivery", "worker", "scheduler").stream()
                .flatMap(r -> cluster.node.pods(NS, r).stream())
                .mapToInt(io.chis.e2e.node.SimPod::restartCount)
                .sum();
    }

    static String secretValue(String name, String key) {
        var secret = cluster.client.secrets().inNamespace(NS).withName(name).get();
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(key);
    }

    static boolean signedWith(Receiver.Arrival arrival, String whsec) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring("whsec_".length())), "HmacSHA256"));
        mac.update((arrival.id() + "." + arrival.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(arrival.body()));
        return List.of(arrival.signature().split(" ")).contains(expected);
    }

    @Test
    @Order(3)
    @Tag(FULL)
    void scenario3_endpointAndPolicyAsYamlReceiveFanOutSignedWithTheirOwnSecret() throws Exception {
        long t0 = System.nanoTime();
        // ada lets this namespace's WebhookEndpoints act for her account
        ChisApi.Reply granted = api.call("POST", "/api/namespace-grants", account[0], Map.of("namespace", NS));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(201);
        cluster.apply(NS, """
                apiVersion: chis.io/v1alpha1
                kind: DeliveryPolicy
                metadata: {name: standard}
                spec: {maxRetries: 5, initialDelay: 1s, timeout: 10s}
                ---
                apiVersion: chis.io/v1alpha1
                kind: WebhookEndpoint
                metadata: {name: crm}
                spec:
                  url: %s
                  eventTypes: ["order.*"]
                  owner: ada@example.com
                  policyRef: standard
                """.formatted(receiver.url("/crm")));
        GenericKubernetesResource policy = await(
                "DeliveryPolicy Ready",
                Duration.ofSeconds(60),
                () -> resource("DeliveryPolicy", "standard"),
                PlatformIT::isReady);
        await(
                "WebhookEndpoint Ready",
                Duration.ofSeconds(60),
                () -> resource("WebhookEndpoint", "crm"),
                PlatformIT::isReady);
        double ready = since(t0);
        String whsec = secretValue("crm-signing", "secret");
        assertThat(whsec).startsWith("whsec_");

        ChisApi.Reply sent = api.call(
                "POST", "/webhook/send", account[1], Map.of("eventType", "order.paid", "payload", Map.of("order", 7)));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
        String id = sent.body().path("id").asText();
        long t1 = System.nanoTime();
        List<Receiver.Arrival> arrivals = await(
                "fan-out to crm", Duration.ofSeconds(30), () -> receiver.byId.get(id), l -> l != null && !l.isEmpty());
        double deliveredAfter = since(t1);
        assertThat(arrivals.get(0).path()).isEqualTo("/crm");
        assertThat(signedWith(arrivals.get(0), whsec))
                .as("signed with the secret of crm-signing")
                .isTrue();
        GenericKubernetesResource endpoint = await(
                "status.delivered counts it",
                Duration.ofSeconds(30),
                () -> resource("WebhookEndpoint", "crm"),
                e -> ((Number) status(e).getOrDefault("delivered", 0)).longValue() >= 1);
        System.out.printf(
                "scenario 3: DeliveryPolicy (schedule %s) and WebhookEndpoint Ready in %.1fs; fan-out order.paid → %d"
                        + " delivery, arrived at /crm in %.2fs, signature verified with crm-signing; status.delivered %s, lastStatusCode %s%n",
                status(policy).get("schedule"),
                ready,
                sent.body().path("deliveries").asInt(),
                deliveredAfter,
                status(endpoint).get("delivered"),
                status(endpoint).get("lastStatusCode"));
    }

    @Test
    @Order(4)
    @Tag(FULL)
    void scenario4_workersScaleOneToThreeUnderLoadAndShareTheStream() {
        try (Load load = new Load(api, account[1], receiver.url("/load"), 20)) {
            await("load flowing", Duration.ofSeconds(20), () -> receiver.arrived(load.accepted), n -> n >= 20);
            long t0 = System.nanoTime();
            long generation =
                    editPlatform(spec -> spec.put("worker", new java.util.LinkedHashMap<>(Map.of("replicas", 3))));
            await(
                    "three workers ready",
                    Duration.ofMinutes(3),
                    () -> cluster.node.pods(NS, "worker"),
                    w -> w.size() == 3 && w.stream().allMatch(io.chis.e2e.node.SimPod::isReady));
            double scaled = since(t0);
            awaitPlatformSettled("platform settled on 3 workers", generation, Duration.ofMinutes(1));
            List<io.chis.e2e.node.SimPod> workers = cluster.node.pods(NS, "worker");
            Map<String, Long> before = new java.util.TreeMap<>();
            workers.forEach(w -> before.put(w.name(), deliveredBy(w)));
            await(
                    "each worker delivers some",
                    Duration.ofSeconds(60),
                    () -> workers.stream().allMatch(w -> deliveredBy(w) > before.get(w.name())),
                    all -> all);
            load.close();
            double drained = awaitAllDelivered(load, Duration.ofSeconds(60));
            List<Long> share = workers.stream()
                    .map(w -> deliveredBy(w) - before.get(w.name()))
                    .toList();
            assertThat(share).allMatch(n -> n > 0);
            System.out.printf(
                    "scenario 4: worker replicas 1→3 at 20 msg/s: 3 ready in %.1fs; after that each worker delivered %s;"
                            + " sent %d, accepted %d, delivered %d, lost %d, duplicates %d (drained %.1fs after the load stopped)%n",
                    scaled,
                    share,
                    load.attempts.get(),
                    load.accepted.size(),
                    receiver.arrived(load.accepted),
                    load.accepted.size() - receiver.arrived(load.accepted),
                    receiver.duplicates(load.accepted),
                    drained);
        }
    }

    @Test
    @Order(5)
    @Tag(FULL)
    void scenario5_killNineOfAWorkerMidLoadLosesNothing() {
        try (Load load = new Load(api, account[1], receiver.url("/kill"), 20)) {
            await("load flowing", Duration.ofSeconds(20), () -> receiver.arrived(load.accepted), n -> n >= 40);
            io.chis.e2e.node.SimPod victim = cluster.node.pods(NS, "worker").get(0);
            int restartsBefore = victim.restartCount();
            long pid = victim.pid("runtime");
            victim.killContainer("runtime");
            long t0 = System.nanoTime();
            await(
                    "killed worker restarted and ready",
                    Duration.ofMinutes(2),
                    () -> victim,
                    v -> v.restartCount() > restartsBefore && v.isReady() && v.pid("runtime") != pid);
            double back = since(t0);
            await("restarted worker delivers", Duration.ofSeconds(60), () -> deliveredBy(victim), n -> n > 0);
            load.close();
            double drained = awaitAllDelivered(load, Duration.ofSeconds(90));
            long duplicates = receiver.duplicates(load.accepted);
            System.out.printf(
                    "scenario 5: kill -9 of worker %s (pid %d) at 20 msg/s: restarted (restartCount %d) and ready in %.1fs;"
                            + " sent %d, accepted %d, delivered %d, lost %d, duplicates %d (at-least-once redeliveries), drained %.1fs after the load stopped%n",
                    victim.name(),
                    pid,
                    victim.restartCount(),
                    back,
                    load.attempts.get(),
                    load.accepted.size(),
                    receiver.arrived(load.accepted),
                    load.accepted.size() - receiver.arrived(load.accepted),
                    duplicates,
                    drained);
        }
    }

    @Test
    @Order(6)
    @Tag(FULL)
    void scenario6_aNewImageTagRollsEveryRoleUnderLoadWithoutLoss() {
        var podsBefore = new java.util.HashSet<String>();
        List.of("api", "delivery", "worker", "scheduler")
                .forEach(r -> cluster.node.pods(NS, r).forEach(p -> podsBefore.add(p.name())));
        try (Load load = new Load(api, account[1], receiver.url("/roll"), 20)) {
            await("load flowing", Duration.ofSeconds(20), () -> receiver.arrived(load.accepted), n -> n >= 20);
            long[] mark = load.mark();
            long t0 = System.nanoTime();
            long generation = editPlatform(spec -> spec.put("image", "ghcr.io/chis-io/chis-runtime:0.1.0-e2e"));
            awaitPlatformSettled("every role rolled to the new image", generation, Duration.ofMinutes(5));
            double rolled = since(t0);
            double availability = load.availabilitySince(mark);
            long refusedDuringRoll = load.refused.get() - mark[1];
            long triedDuringRoll = load.attempts.get() - mark[0];
            List.of("api", "delivery", "worker", "scheduler")
                    .forEach(r -> cluster.node
                            .pods(NS, r)
                            .forEach(p -> assertThat(podsBefore)
                                    .as("replaced: " + p.name())
                                    .doesNotContain(p.name())));
            load.close();
            double drained = awaitAllDelivered(load, Duration.ofSeconds(90));
            System.out.printf(
                    "scenario 6: image tag change rolled api, delivery, worker (3), scheduler in %.1fs under 20 msg/s;"
                            + " API availability during the roll %.1f%% (%d of %d sends refused: %s); sent %d, accepted %d, delivered %d,"
                            + " lost %d, duplicates %d, drained %.1fs after the load stopped%n",
                    rolled,
                    availability,
                    refusedDuringRoll,
                    triedDuringRoll,
                    load.refusalReasons(),
                    load.attempts.get(),
                    load.accepted.size(),
                    receiver.arrived(load.accepted),
                    load.accepted.size() - receiver.arrived(load.accepted),
                    receiver.duplicates(load.accepted),
                    drained);
        }
    }

    @Test
    @Order(7)
    @Tag(FULL)
    void scenario7_postgresPodKilledIsRecreatedAndTheRolesRecover() {
        int restartsBefore = roleRestarts();
        int probeRestartsBefore = cluster.node.probeRestarts();
        try (Load load = new Load(api, account[1], receiver.url("/pg"), 20)) {
            await("load flowing", Duration.ofSeconds(20), () -> receiver.arrived(load.accepted), n -> n >= 20);
            long[] mark = load.mark();
            io.chis.e2e.node.SimPod postgres = cluster.node.pods(NS, "postgres").get(0);
            // kubectl delete pod chis-postgres-0 --grace-period=0 --force: the process dies at once, the StatefulSet
            // makes a new pod
            postgres.killContainer("postgres");
            cluster.client.pods().inNamespace(NS).withName(postgres.name()).delete();
            long t0 = System.nanoTime();
            await(
                    "PostgreSQL pod recreated and ready",
                    Duration.ofMinutes(2),
                    () -> cluster.node.pods(NS, "postgres"),
                    p -> p.size() == 1 && p.get(0) != postgres && p.get(0).isReady());
            double postgresBack = since(t0);
            await("sends accepted again", Duration.ofMinutes(2), PlatformIT::apiAccepts, ok -> ok);
            double apiBack = since(t0);
            // 30 s more under load: long enough for the liveness probes (3 × 10 s) to have acted on anything they
            // caught
            long settle = System.nanoTime();
            await(
                    "roles ready",
                    Duration.ofMinutes(2),
                    () -> List.of("api", "delivery", "worker", "scheduler").stream()
                                    .allMatch(PlatformIT::roleSettled)
                            && since(settle) > 30,
                    ok -> ok);
            double availability = load.availabilitySince(mark);
            load.close();
            double drained = awaitAllDelivered(load, Duration.ofSeconds(90));
            int probeRestarts = cluster.node.probeRestarts() - probeRestartsBefore;
            int restarts = roleRestarts() - restartsBefore;
            System.out.printf(
                    "scenario 7: PostgreSQL pod killed: recreated by its StatefulSet and ready in %.1fs, API accepting again"
                            + " after %.1fs (availability %.1f%% from the kill to settled; refused: %s); role container restarts %d (by"
                            + " probes %d: liveness is /livez, which never asks the stores); sent %d, accepted %d, delivered %d,"
                            + " lost %d, duplicates %d, drained %.1fs%n",
                    postgresBack,
                    apiBack,
                    availability,
                    load.refusalReasons(),
                    restarts,
                    probeRestarts,
                    load.attempts.get(),
                    load.accepted.size(),
                    receiver.arrived(load.accepted),
                    load.accepted.size() - receiver.arrived(load.accepted),
                    receiver.duplicates(load.accepted),
                    drained);
            // a shared store outage is no reason to restart a role (README "Health checks")
            assertThat(probeRestarts)
                    .as("role containers restarted by their probes")
                    .isZero();
        }
    }

    static boolean apiAccepts() {
        return api.call(
                                "POST",
                                "/webhook/send",
                                account[1],
                                Map.of("url", receiver.url("/probe"), "eventType", "probe.tick", "payload", Map.of()))
                        .status()
                == 202;
    }

    @Test
    @Order(8)
    @Tag(FULL)
    void scenario8_deletingThePlatformRemovesEveryChildAndProcess() {
        String uid = platform().getMetadata().getUid();
        var c = cluster.client;
        List<io.fabric8.kubernetes.api.model.HasMetadata> children = ownedBy(uid);
        int processes = cluster.node.liveProcesses();
        long t0 = System.nanoTime();
        c.genericKubernetesResources("chis.io/v1alpha1", "WebhookPlatform")
                .inNamespace(NS)
                .withName("chis")
                .delete();
        await("platform gone", Duration.ofMinutes(1), () -> platform() == null, gone -> gone);
        await(
                "every pod and process gone",
                Duration.ofMinutes(2),
                () -> cluster.node.podCount() + cluster.node.liveProcesses(),
                n -> n == 0);
        await(
                "every child gone",
                Duration.ofMinutes(1),
                () -> children.stream().filter(o -> c.resource(o).get() != null).toList(),
                List::isEmpty);
        double gone = since(t0);
        int pvcs = c.persistentVolumeClaims().inNamespace(NS).list().getItems().size();
        assertThat(io.chis.e2e.node.Processes.live())
                .as("only the operator still runs")
                .isEqualTo(1);
        System.out.printf(
                "scenario 8: platform deleted: %d children (%s) and %d processes gone in %.1fs; %d pods and no runtime,"
                        + " PostgreSQL or Redis process left (only the operator runs); PersistentVolumeClaims left by the"
                        + " StatefulSet's retention policy: %d; WebhookEndpoint crm now %s%n",
                children.size(),
                kinds(children),
                processes,
                gone,
                cluster.node.podCount(),
                pvcs,
                condition(resource("WebhookEndpoint", "crm"), "Ready")
                        .map(r -> r.get("reason"))
                        .orElse("-"));
    }

    static List<io.fabric8.kubernetes.api.model.HasMetadata> ownedBy(String uid) {
        var c = cluster.client;
        List<io.fabric8.kubernetes.api.model.HasMetadata> all = new java.util.ArrayList<>();
        all.addAll(c.secrets().inNamespace(NS).list().getItems());
        all.addAll(c.configMaps().inNamespace(NS).list().getItems());
        all.addAll(c.services().inNamespace(NS).list().getItems());
        all.addAll(c.apps().deployments().inNamespace(NS).list().getItems());
        all.addAll(c.apps().statefulSets().inNamespace(NS).list().getItems());
        all.addAll(c.batch().v1().jobs().inNamespace(NS).list().getItems());
        all.addAll(c.policy().v1().podDisruptionBudget().inNamespace(NS).list().getItems());
        all.addAll(c.network().v1().ingresses().inNamespace(NS).list().getItems());
        return all.stream()
                .filter(o -> Optional.ofNullable(o.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
                        .anyMatch(r -> uid.equals(r.getUid())))
                .toList();
    }

    static String kinds(List<io.fabric8.kubernetes.api.model.HasMetadata> objects) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        objects.forEach(o -> byKind.merge(o.getKind(), 1L, Long::sum));
        return byKind.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
