package io.chis.e2e.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * The closest honest thing to a cluster on one machine: the fabric8 mock API server in CRUD mode with every CRD of
 * {@code crds/} installed, the real operator jar as its own process pointed at it through a kubeconfig, and the
 * {@link NodeSimulator} playing kubelet and the built-in controllers. {@link #close()} stops every process it started;
 * a shutdown hook ({@link Processes}) covers a JVM that ends any other way.
 */
public final class Cluster implements AutoCloseable {
    public static final Path ROOT =
            Path.of(System.getProperty("chis.e2e.root", "..")).toAbsolutePath().normalize();
    public static final Path OPERATOR_JAR = ROOT.resolve("operator/target/chis-operator.jar");
    public static final Path RUNTIME_JAR = ROOT.resolve("runtime/target/chis-runtime.jar");

    // the mock server logs every request through java.util.logging; keep the logger (and its level) alive
    private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

    public final KubernetesClient client;
    public final NodeSimulator node;
    public final ServiceNetwork network;
    public final Images images;
    public final Path work;
    private final KubernetesMockServer server;
    private final List<Process> operators = new ArrayList<>();

    /** @param runContainers false: pods become ready without processes (manifest checks) */
    public Cluster(String name, boolean runContainers) {
        for (Path jar : List.of(OPERATOR_JAR, RUNTIME_JAR)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(
                        jar + " is missing: build it first (./mvnw -pl e2e -am verify builds both)");
            }
        }
        work = Path.of(System.getProperty("chis.e2e.work", "target/e2e"))
                .toAbsolutePath()
                .resolve(name);
        deleteTree(work);
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
        installCrds();
        network = new ServiceNetwork(work.resolve("hosts"));
        images = new Images(RUNTIME_JAR, work, network);
        node = new NodeSimulator(client, images, network, work, runContainers).start();
    }

    private void installCrds() {
        try (Stream<Path> files = Files.list(ROOT.resolve("crds"))) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java -jar operator/target/chis-operator.jar} against the mock, as the README's "run it from a build". */
    public Process startOperator(String... extraEnv) {
        try {
            Path kubeconfig = work.resolve("kubeconfig");
            Files.createDirectories(work);
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: http://127.0.0.1:%d
                    users:
                    - name: e2e
                      user:
                        token: e2e
                    contexts:
                    - name: mock
                      context:
                        cluster: mock
                        user: e2e
                        namespace: default
                    current-context: mock
                    """.formatted(server.getPort()));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(network.jvmOptions());
            command.addAll(List.of("-jar", OPERATOR_JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            work.resolve("operator.log").toFile()));
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().put("CHIS_OPERATOR_SERVER_SIDE_APPLY", "false");
            builder.environment().put("CHIS_OPERATOR_LEADER_ELECTION", "false");
            builder.environment().put("CHIS_OPERATOR_HEALTH_PORT", "0");
            for (String pair : extraEnv) {
                builder.environment().put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            Process process = Processes.start(builder);
            operators.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kubectl apply -f -}, for one or more YAML documents. */
    public List<HasMetadata> apply(String namespace, String yaml) {
        List<HasMetadata> applied = new ArrayList<>();
        for (HasMetadata item : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .items()) {
            item.getMetadata().setNamespace(namespace);
            applied.add(client.resource(item).inNamespace(namespace).createOr(existing -> existing.update()));
        }
        return applied;
    }

    public String operatorLog() {
        return tail(work.resolve("operator.log"));
    }

    public static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    @Override
    public void close() {
        operators.forEach(p -> Processes.stop(p, Duration.ofSeconds(5)));
        node.close();
        client.close();
        server.destroy();
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
