package io.chis.operator;

import io.chis.operator.api.WebhookPlatform;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The real operator against the fabric8 mock API server in CRUD mode, with the committed CRDs installed first
 * (so /status works) and server-side apply off (the mock has none). The mock has no kubelet and no controllers:
 * tests play their part by writing workload status.
 */
public final class OperatorHarness implements AutoCloseable {
    public static final Path CRDS = Path.of("..", "crds");

    private final KubernetesMockServer server;
    public final KubernetesClient client;
    private Operator operator;
    private final Map<String, AtomicInteger> reconciled = new ConcurrentHashMap<>();
    private final UnaryOperator<OperatorSettings> tune;

    public OperatorHarness() throws IOException {
        this(UnaryOperator.identity());
    }

    /** @param tune adjusts the operator's settings, e.g. where the runtimes' admin API is */
    public OperatorHarness(UnaryOperator<OperatorSettings> tune) throws IOException {
        this.tune = tune;
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), true);
        server.init();
        // without "Expect: 100-continue": the mock answers such a request without asking for its body, so what it
        // records of a large request (a server-side apply) would be cut short
        client = server.createClient(new JdkHttpClientFactory() {
            @Override
            protected boolean useExpectContinue() {
                return false;
            }
        });
        try (Stream<Path> files = Files.list(CRDS)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .load(in)
                            .item();
                    client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .resource(crd)
                            .create();
                }
            }
        }
        startOperator();
    }

    public void startOperator() {
        startOperator(Set.of());
    }

    /** Starts the operator watching only {@code namespaces} (all when empty), server-side apply and leader election off. */
    public void startOperator(Set<String> namespaces) {
        OperatorSettings settings = new OperatorSettings(
                namespaces, false, false, Optional.empty(), Optional.empty(), 0, Duration.ofMillis(500));
        operator = ChisOperator.create(client, tune.apply(settings), false, new Metrics() {
            @Override
            public void reconciliationFinished(
                    HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
                reconciled
                        .computeIfAbsent(key(resource), k -> new AtomicInteger())
                        .incrementAndGet();
            }
        });
        operator.start();
    }

    public Operator operator() {
        return operator;
    }

    /** The mock API server: tests read the requests the operator sent from it. */
    public KubernetesMockServer server() {
        return server;
    }

    public void stopOperator() {
        operator.stop();
    }

    /** How many reconciliations of this resource have finished (in any operator this harness started). */
    public int reconciliations(HasMetadata resource) {
        return Optional.ofNullable(reconciled.get(key(resource)))
                .map(AtomicInteger::get)
                .orElse(0);
    }

    public <T extends HasMetadata> T create(T resource) {
        return client.resource(resource).create();
    }

    public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return client.resources(type).inNamespace(namespace).withName(name).get();
    }

    public <T extends HasMetadata> T awaitExists(Class<T> type, String namespace, String name) {
        return await(() -> get(type, namespace, name));
    }

    /** Waits until {@code read} returns non-null. */
    public static <T> T await(Supplier<T> read) {
        return org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(read::get, v -> v != null);
    }

    public WebhookPlatform platform(String namespace, String name) {
        return get(WebhookPlatform.class, namespace, name);
    }

    public void markStatefulSetReady(String namespace, String name) {
        client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(sts -> {
            sts.setStatus(new StatefulSetStatusBuilder()
                    .withReplicas(sts.getSpec().getReplicas())
                    .withReadyReplicas(sts.getSpec().getReplicas())
                    .withAvailableReplicas(sts.getSpec().getReplicas())
                    .build());
            return sts;
        });
    }

    public void markDeploymentAvailable(String namespace, String name) {
        client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
            int replicas = Optional.ofNullable(d.getSpec().getReplicas()).orElse(1);
            d.setStatus(new DeploymentStatusBuilder()
                    .withReplicas(replicas)
                    .withReadyReplicas(replicas)
                    .withAvailableReplicas(replicas)
                    .withUpdatedReplicas(replicas)
                    .build());
            return d;
        });
    }

    public void markJobSucceeded(String namespace, String name) {
        client.batch().v1().jobs().inNamespace(namespace).withName(name).editStatus(job -> {
            job.setStatus(new JobStatusBuilder()
                    .withSucceeded(1)
                    .addNewCondition()
                    .withType("Complete")
                    .withStatus("True")
                    .endCondition()
                    .build());
            return job;
        });
    }

    public void markJobFailed(String namespace, String name) {
        client.batch().v1().jobs().inNamespace(namespace).withName(name).editStatus(job -> {
            job.setStatus(new JobStatusBuilder()
                    .withFailed(5)
                    .addNewCondition()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason("BackoffLimitExceeded")
                    .endCondition()
                    .build());
            return job;
        });
    }

    public List<Job> jobs(String namespace) {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    }

    public List<Deployment> deployments(String namespace) {
        return client.apps().deployments().inNamespace(namespace).list().getItems();
    }

    public List<StatefulSet> statefulSets(String namespace) {
        return client.apps().statefulSets().inNamespace(namespace).list().getItems();
    }

    private static String key(HasMetadata resource) {
        return resource.getKind() + "/" + resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
    }

    @Override
    public void close() {
        try {
            operator.stop();
        } catch (RuntimeException ignored) {
            // already stopped by the test
        }
        client.close();
        server.destroy();
    }
}
