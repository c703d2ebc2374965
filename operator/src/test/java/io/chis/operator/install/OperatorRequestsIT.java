package io.chis.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chis.common.Role;
import io.chis.operator.ChisOperator;
import io.chis.operator.OperatorSettings;
import io.chis.operator.api.Condition;
import io.chis.operator.api.DeliveryPolicy;
import io.chis.operator.api.StatusWithConditions;
import io.chis.operator.api.WebhookEndpoint;
import io.chis.operator.api.WebhookEventType;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.install.OperatorPermissions.Permission;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.javaoperatorsdk.operator.Operator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The running operator, not a list someone keeps: every request it sends while the samples come up, turn Ready and are
 * deleted is recorded and must be granted by {@link OperatorPermissions} (which config/rbac and the chart grant exactly).
 * It watches only namespace shop and takes its Lease in chis, so a cluster-wide request would show up here too.
 */
class OperatorRequestsIT {
    private static final String WATCHED = "shop";
    private static final String OWN = "chis";
    private static final String DONE = "SCENARIO DONE";
    private static final Path LOG = Path.of("target", "operator-requests.log");
    private static final Permission SELF_REVIEW =
            new Permission("authorization.k8s.io", "selfsubjectrulesreviews", "create");

    /** One API request: the RBAC verb and resource it needs, where. */
    record ApiRequest(String method, String path, Permission permission, String namespace) {
        @Override
        public String toString() {
            return method + " " + path + " -> " + permission
                    + (namespace == null ? " (cluster-wide)" : " in " + namespace);
        }
    }

    @Test
    void everyRequestTheOperatorMakesIsOneItsRbacGrants() throws Exception {
        List<ApiRequest> made = runInItsOwnJvm();
        Set<Permission> used = new TreeSet<>();
        List<ApiRequest> notGranted = new ArrayList<>();
        for (ApiRequest request : made) {
            if (request.permission() == null || SELF_REVIEW.equals(request.permission())) {
                continue; // discovery (/version, /apis) and "what may I do?": open to every authenticated client
            }
            used.add(request.permission());
            boolean granted = WATCHED.equals(request.namespace())
                    ? OperatorPermissions.inWatchedNamespaces().contains(request.permission())
                    : OWN.equals(request.namespace())
                            ? OperatorPermissions.forLeaderElection().contains(request.permission())
                            // cluster-wide requests only GET of those CRD names
                            : request.namespace() == null
                                    && OperatorPermissions.clusterWide().contains(request.permission())
                                    && OperatorPermissions.CRDS.stream()
                                            .anyMatch(crd -> request.path().endsWith("/" + crd));
            if (!granted) {
                notGranted.add(request);
            }
        }
        assertThat(notGranted)
                .as("requests the operator's RBAC does not allow; if the operator needs them, add them to "
                        + "OperatorPermissions, config/rbac and the chart's chis-operator.rules")
                .isEmpty();
        // the recording saw the operator at work: its informers, children, status and Lease
        assertThat(used)
                .contains(
                        new Permission("chis.io", "webhookplatforms", "watch"),
                        new Permission("chis.io", "webhookplatforms/status", "patch"),
                        new Permission("apps", "statefulsets", "create"),
                        new Permission("batch", "jobs", "create"),
                        new Permission("", "secrets", "create"),
                        new Permission("coordination.k8s.io", "leases", "create"));
    }

    /**
     * The operator exits its JVM when it stops leading (exitOnStopLeading, as in production), so the scenario runs in a
     * JVM of its own and prints what it recorded.
     */
    private static List<ApiRequest> runInItsOwnJvm() throws Exception {
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        javaBinary,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        OperatorRequestsIT.class.getName())
                .redirectError(LOG.toFile())
                .start();
        List<String> lines;
        try (var out = child.getInputStream()) {
            var read = CompletableFuture.supplyAsync(
                    () -> new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))
                            .lines()
                            .toList());
            lines = read.get(3, TimeUnit.MINUTES); // until the child ends: the operator exits when it stops leading
        } finally {
            child.destroyForcibly();
        }
        assertThat(lines)
                .as("the scenario's output; its log is in operator/" + LOG)
                .contains(DONE);
        Map<String, String> plurals = new HashMap<>();
        for (var crd : CrdSchemas.committedCrds()) {
            plurals.put(
                    crd.getSpec().getGroup() + " " + crd.getSpec().getNames().getKind(),
                    crd.getSpec().getNames().getPlural());
        }
        List<ApiRequest> requests = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts[0].equals("REQUEST")) {
                requests.add(parse(parts[1], URI.create(parts[2])));
            } else if (parts[0].equals("BLOCKS")) {
                String group = parts[1].contains("/") ? parts[1].substring(0, parts[1].indexOf('/')) : "";
                ApiRequest write = parse("POST", URI.create(parts[3]));
                requests.add(new ApiRequest(
                        "(owner of " + write.path() + ")",
                        parts[2],
                        new Permission(
                                group,
                                plurals.getOrDefault(group + " " + parts[2], parts[2]) + "/finalizers",
                                "update"),
                        write.namespace()));
            }
        }
        return requests;
    }

    /** The scenario: samples applied in shop, brought up to Ready, deleted; every request printed to stdout. */
    public static void main(String[] args) {
        try {
            scenario();
        } catch (Throwable e) {
            e.printStackTrace();
        }
        System.exit(1); // the operator's threads would keep the JVM alive
    }

    private static void scenario() throws Exception {
        RequestRecorder requests = new RequestRecorder();
        // CRUD mode, plus the answer to the one request it cannot store: JOSDK asks which Lease verbs it has before
        // it runs for leadership (allowed to every authenticated client; the answer is what our Lease Role grants)
        Map<ServerRequest, java.util.Queue<ServerResponse>> expectations = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), true);
        server.init();
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, leaseRulesReview())
                .always();
        KubernetesClient admin = server.createClient();
        KubernetesClient recorded = server.createClient(
                b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("rbac-recorder", requests)));
        for (var crd : CrdSchemas.committedCrds()) {
            admin.resource(crd).create();
        }
        Operator operator = ChisOperator.create(
                recorded,
                OperatorSettings.fromEnv(Map.of(
                        "WATCH_NAMESPACES", WATCHED,
                        "CHIS_OPERATOR_SERVER_SIDE_APPLY", "false",
                        "CHIS_OPERATOR_LEADER_ELECTION", "true",
                        "POD_NAMESPACE", OWN,
                        "POD_NAME", "chis-operator-0",
                        "CHIS_OPERATOR_HEALTH_PORT", "0")),
                false);
        operator.start();
        Cluster cluster = new Cluster(admin);
        List<GenericKubernetesResource> samples = cluster.applySamples();
        cluster.bringUp(nameOf(samples, WebhookPlatform.class));
        // policies and endpoints sync into the runtime's admin API, which does not run here: reported, not Ready
        cluster.awaitReported(DeliveryPolicy.class, nameOf(samples, DeliveryPolicy.class));
        cluster.awaitReported(WebhookEndpoint.class, nameOf(samples, WebhookEndpoint.class));
        cluster.awaitReported(WebhookEventType.class, nameOf(samples, WebhookEventType.class));
        // the platform first: with no runtime left, the finalizers of the policy and the endpoint have nothing to clean
        List<Class<? extends HasMetadata>> deletionOrder =
                List.of(WebhookPlatform.class, WebhookEndpoint.class, WebhookEventType.class, DeliveryPolicy.class);
        for (Class<? extends HasMetadata> kind : deletionOrder) {
            admin.resources(kind)
                    .inNamespace(WATCHED)
                    .withName(nameOf(samples, kind))
                    .delete();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> admin.resources(kind)
                            .inNamespace(WATCHED)
                            .list()
                            .getItems()
                            .isEmpty());
        }
        for (String request : requests.list()) {
            System.out.println(request.startsWith("BLOCKS ") ? request : "REQUEST " + request);
        }
        System.out.println(DONE);
        System.out.flush();
        operator.stop(); // stops leading: the operator ends this JVM
        server.destroy();
    }

    private static SelfSubjectRulesReview leaseRulesReview() {
        return new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .withIncomplete(false)
                .withResourceRules(OperatorPermissions.forLeaderElection().stream()
                        .map(p -> new ResourceRuleBuilder()
                                .withApiGroups(p.group())
                                .withResources(p.resource())
                                .withVerbs(p.verb())
                                .build())
                        .toList())
                .endStatus()
                .build();
    }

    private static String nameOf(List<GenericKubernetesResource> samples, Class<? extends HasMetadata> kind) {
        return samples.stream()
                .filter(s -> s.getKind().equals(HasMetadata.getKind(kind)))
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getName();
    }

    /** Plays the user, the kubelet and the built-in controllers in namespace shop. */
    private record Cluster(KubernetesClient client) {
        List<GenericKubernetesResource> applySamples() throws IOException {
            List<GenericKubernetesResource> applied = new ArrayList<>();
            try (Stream<Path> files = Files.list(Path.of("..", "config", "samples"))) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("chis_"))
                        .sorted()
                        .toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        GenericKubernetesResource sample = Serialization.unmarshal(in, GenericKubernetesResource.class);
                        applied.add(client.resource(sample).inNamespace(WATCHED).create());
                    }
                }
            }
            return applied;
        }

        /** The stores come up, the migration succeeds, every role becomes available: the platform turns Ready. */
        void bringUp(String platform) {
            await(() -> client.apps()
                    .statefulSets()
                    .inNamespace(WATCHED)
                    .withName(platform + "-postgres")
                    .get());
            client.apps()
                    .statefulSets()
                    .inNamespace(WATCHED)
                    .withName(platform + "-postgres")
                    .editStatus(sts -> {
                        sts.setStatus(new StatefulSetStatusBuilder()
                                .withReplicas(1)
                                .withReadyReplicas(1)
                                .withAvailableReplicas(1)
                                .build());
                        return sts;
                    });
            Job migration = await(() -> client.batch().v1().jobs().inNamespace(WATCHED).list().getItems().stream()
                    .findFirst()
                    .orElse(null));
            client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(WATCHED)
                    .withName(migration.getMetadata().getName())
                    .editStatus(job -> {
                        job.setStatus(new JobStatusBuilder()
                                .withSucceeded(1)
                                .addNewCondition()
                                .withType("Complete")
                                .withStatus("True")
                                .endCondition()
                                .build());
                        return job;
                    });
            List<String> deployments = new ArrayList<>(List.of(platform + "-redis"));
            for (Role role : Role.values()) {
                deployments.add(platform + "-" + role.id());
            }
            for (String name : deployments) {
                await(() -> client.apps()
                        .deployments()
                        .inNamespace(WATCHED)
                        .withName(name)
                        .get());
                client.apps().deployments().inNamespace(WATCHED).withName(name).editStatus(d -> {
                    int replicas =
                            Optional.ofNullable(d.getSpec().getReplicas()).orElse(1);
                    d.setStatus(new DeploymentStatusBuilder()
                            .withReplicas(replicas)
                            .withReadyReplicas(replicas)
                            .withAvailableReplicas(replicas)
                            .withUpdatedReplicas(replicas)
                            .build());
                    return d;
                });
            }
            await(() -> ready(WebhookPlatform.class, platform)
                    .filter(Condition::isTrue)
                    .orElse(null));
        }

        /** Waits until the operator has written a Ready condition, True or not. */
        void awaitReported(Class<? extends HasMetadata> kind, String name) {
            await(() -> ready(kind, name).orElse(null));
        }

        private Optional<Condition> ready(Class<? extends HasMetadata> kind, String name) {
            return Optional.ofNullable(client.resources(kind)
                            .inNamespace(WATCHED)
                            .withName(name)
                            .get())
                    .map(r -> r instanceof io.fabric8.kubernetes.client.CustomResource<?, ?> cr ? cr.getStatus() : null)
                    .filter(StatusWithConditions.class::isInstance)
                    .map(StatusWithConditions.class::cast)
                    .flatMap(s -> Conditions.find(s, Conditions.READY));
        }

        private static <T> T await(java.util.function.Supplier<T> read) {
            return Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(read::get, v -> v != null);
        }
    }

    /**
     * Records every request the client sends, HTTP and WebSocket (watches) alike; and, for an object written with an
     * owner reference that blocks the owner's deletion, the owner: that needs update on the owner's finalizers
     * where the OwnerReferencesPermissionEnforcement admission plugin is on (OpenShift), which the mock does not check.
     */
    static final class RequestRecorder implements Interceptor {
        private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            requests.add(request.method() + " " + request.uri());
            String body = request.bodyString();
            if (body == null || !body.startsWith("{")) {
                return;
            }
            try {
                for (JsonNode owner : Serialization.jsonMapper().readTree(body).at("/metadata/ownerReferences")) {
                    if (owner.path("blockOwnerDeletion").asBoolean()) {
                        requests.add("BLOCKS " + owner.path("apiVersion").asText() + " "
                                + owner.path("kind").asText() + " " + request.uri());
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        List<String> list() {
            return List.copyOf(requests);
        }
    }

    /** Kubernetes API paths: /api/v1/... (core) and /apis/{group}/{version}/..., optionally under namespaces/{ns}. */
    static ApiRequest parse(String method, URI uri) {
        String path = uri.getPath();
        List<String> segments =
                new ArrayList<>(Arrays.asList(path.replaceFirst("^/", "").split("/")));
        String group;
        if (segments.size() >= 3 && segments.get(0).equals("api")) {
            group = "";
            segments = segments.subList(2, segments.size());
        } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            segments = segments.subList(3, segments.size());
        } else {
            return new ApiRequest(method, path, null, null);
        }
        String namespace = null;
        if (segments.size() >= 3 && segments.get(0).equals("namespaces")) {
            namespace = segments.get(1);
            segments = segments.subList(2, segments.size());
        }
        String resource = segments.get(0);
        boolean named = segments.size() >= 2;
        if (segments.size() >= 3) {
            resource += "/" + segments.get(2);
        }
        boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return new ApiRequest(method, path, new Permission(group, resource, verb), namespace);
    }
}
