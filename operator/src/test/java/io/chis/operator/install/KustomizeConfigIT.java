package io.chis.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** config/ as `kubectl apply -k` (and Argo CD or Flux) sees it: config/default renders complete; the samples are valid. */
class KustomizeConfigIT {
    private static final Path CONFIG = Path.of("..", "config");
    private static final Path SAMPLES = CONFIG.resolve("samples");

    @Test
    void configDefaultRendersEverythingTheOperatorNeedsInNamespaceChis() throws Exception {
        List<HasMetadata> objects = HelmChart.parse(kustomize("config/default"));
        assertThat(objects)
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "Namespace/chis",
                        "CustomResourceDefinition/webhookplatforms.chis.io",
                        "CustomResourceDefinition/deliverypolicies.chis.io",
                        "CustomResourceDefinition/webhookendpoints.chis.io",
                        "CustomResourceDefinition/webhookeventtypes.chis.io",
                        "ServiceAccount/chis-operator",
                        "ClusterRole/chis-operator",
                        "ClusterRoleBinding/chis-operator",
                        "ClusterRole/chis-operator-crds",
                        "ClusterRoleBinding/chis-operator-crds",
                        "Role/chis-operator-leader-election",
                        "RoleBinding/chis-operator-leader-election",
                        "Deployment/chis-operator");
        for (HasMetadata object : objects) {
            boolean clusterScoped = object instanceof Namespace
                    || object instanceof CustomResourceDefinition
                    || object instanceof ClusterRole
                    || object instanceof ClusterRoleBinding;
            assertThat(object.getMetadata().getNamespace())
                    .as(object.getKind())
                    .isEqualTo(clusterScoped ? null : "chis");
        }

        List<String> committed =
                CrdSchemas.committedCrds().stream().map(Serialization::asYaml).toList();
        assertThat(objects.stream()
                        .filter(CustomResourceDefinition.class::isInstance)
                        .map(Serialization::asYaml)
                        .toList())
                .containsExactlyInAnyOrderElementsOf(committed);

        ClusterRole role = named(objects, ClusterRole.class, "chis-operator");
        assertThat(OperatorPermissions.grantedBy(role.getRules())).isEqualTo(OperatorPermissions.inWatchedNamespaces());
        assertThat(named(objects, ClusterRoleBinding.class, "chis-operator").getSubjects())
                .singleElement()
                .satisfies(KustomizeConfigIT::isTheOperator);
        assertCrdReader(objects);
        assertThat(OperatorPermissions.grantedBy(one(objects, Role.class).getRules()))
                .isEqualTo(OperatorPermissions.forLeaderElection());
        assertThat(one(objects, RoleBinding.class).getSubjects())
                .singleElement()
                .satisfies(KustomizeConfigIT::isTheOperator);
        assertThat(one(objects, Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .filteredOn(e -> e.getName().equals("WATCH_NAMESPACES"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValue()).as("all namespaces").isEmpty());

        Deployment manager = one(objects, Deployment.class);
        var pod = manager.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("chis-operator");
        assertThat(pod.getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/chis-io/chis-operator:" + HelmChartIT.appVersion());
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()
                        .get(0)
                        .getSecurityContext()
                        .getCapabilities()
                        .getDrop())
                .containsExactly("ALL");
    }

    @Test
    void configNamespacedGrantsTheSameRulesAsARoleInItsOwnNamespaceAndWatchesOnlyThat() throws Exception {
        List<HasMetadata> objects = HelmChart.parse(kustomize("config/namespaced"));
        assertThat(objects)
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "Namespace/chis",
                        "CustomResourceDefinition/webhookplatforms.chis.io",
                        "CustomResourceDefinition/deliverypolicies.chis.io",
                        "CustomResourceDefinition/webhookendpoints.chis.io",
                        "CustomResourceDefinition/webhookeventtypes.chis.io",
                        "ServiceAccount/chis-operator",
                        "Role/chis-operator",
                        "RoleBinding/chis-operator",
                        "ClusterRole/chis-operator-crds",
                        "ClusterRoleBinding/chis-operator-crds",
                        "Role/chis-operator-leader-election",
                        "RoleBinding/chis-operator-leader-election",
                        "Deployment/chis-operator");
        // cluster-wide: the CRDs and the one by-name read of KEDA's, CloudNativePG's and cert-manager's CRDs, nothing
        // that
        // writes
        assertCrdReader(objects);
        Role role = named(objects, Role.class, "chis-operator");
        assertThat(role.getMetadata().getNamespace()).isEqualTo("chis");
        assertThat(OperatorPermissions.grantedBy(role.getRules())).isEqualTo(OperatorPermissions.inWatchedNamespaces());
        RoleBinding binding = named(objects, RoleBinding.class, "chis-operator");
        assertThat(binding.getMetadata().getNamespace()).isEqualTo("chis");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("chis-operator");
        assertThat(binding.getSubjects()).singleElement().satisfies(KustomizeConfigIT::isTheOperator);

        var env = one(objects, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv();
        assertThat(env)
                .filteredOn(e -> e.getName().equals("WATCH_NAMESPACES"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
                });
    }

    @Test
    void theSamplesAreOneOfEachKindAndTheApiServerWouldAcceptThem() throws Exception {
        List<Path> files = samples();
        List<JsonNode> samples = files.stream().map(KustomizeConfigIT::read).toList();
        assertThat(samples)
                .extracting(s -> s.path("kind").asText())
                .containsExactlyInAnyOrder("WebhookPlatform", "DeliveryPolicy", "WebhookEndpoint", "WebhookEventType");
        CrdSchemas schemas = CrdSchemas.committed();
        for (int i = 0; i < files.size(); i++) {
            assertThat(schemas.validate(samples.get(i)))
                    .as(files.get(i).toString())
                    .isEmpty();
        }
        // config/samples/kustomization.yaml applies every one of them
        JsonNode kustomization =
                CrdSchemas.YAML.readTree(SAMPLES.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.path("resources"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrderElementsOf(
                        files.stream().map(f -> f.getFileName().toString()).toList());
    }

    @Test
    void theSchemaCheckCatchesWhatTheApiServerWouldRefuse() {
        CrdSchemas schemas = CrdSchemas.committed();
        JsonNode platform = read(SAMPLES.resolve("chis_v1alpha1_webhookplatform.yaml"));

        ObjectNode wrongType = platform.deepCopy();
        ((ObjectNode) wrongType.at("/spec/worker")).put("replicas", "two");
        assertThat(schemas.validate(wrongType)).singleElement().asString().contains("/spec/worker/replicas");

        ObjectNode unknownField = platform.deepCopy();
        ((ObjectNode) unknownField.at("/spec")).put("replica", 3);
        assertThat(schemas.validate(unknownField)).singleElement().asString().contains("replica");

        ObjectNode badPattern = platform.deepCopy();
        ((ObjectNode) badPattern.at("/spec/database/managed")).put("storage", "lots");
        assertThat(schemas.validate(badPattern)).singleElement().asString().contains("/spec/database/managed/storage");

        ObjectNode endpoint =
                read(SAMPLES.resolve("chis_v1alpha1_webhookendpoint.yaml")).deepCopy();
        ((ArrayNode) endpoint.at("/spec/eventTypes")).add("not a type!");
        assertThat(schemas.validate(endpoint)).isNotEmpty();

        ObjectNode unknownKind = ((ObjectNode) platform.deepCopy()).put("kind", "WebhookPlatfrom");
        assertThat(schemas.validate(unknownKind))
                .singleElement()
                .asString()
                .contains("no CRD serves chis.io/v1alpha1 WebhookPlatfrom");
    }

    private static void assertCrdReader(List<HasMetadata> objects) {
        ClusterRole reader = named(objects, ClusterRole.class, "chis-operator-crds");
        assertThat(OperatorPermissions.onlyReadTheCrds(reader.getRules()))
                .as("get on customresourcedefinitions " + OperatorPermissions.CRDS + " only: " + reader.getRules())
                .isTrue();
        ClusterRoleBinding binding = named(objects, ClusterRoleBinding.class, "chis-operator-crds");
        assertThat(binding.getRoleRef().getName()).isEqualTo("chis-operator-crds");
        assertThat(binding.getSubjects()).singleElement().satisfies(KustomizeConfigIT::isTheOperator);
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName()))
                .toList();
        assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
        return found.get(0);
    }

    private static void isTheOperator(Subject subject) {
        assertThat(subject.getKind()).isEqualTo("ServiceAccount");
        assertThat(subject.getName()).isEqualTo("chis-operator");
        assertThat(subject.getNamespace()).isEqualTo("chis");
    }

    private static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.filter(f -> f.getFileName().toString().startsWith("chis_"))
                    .sorted()
                    .toList();
        }
    }

    private static JsonNode read(Path file) {
        try {
            return CrdSchemas.YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found =
                objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /** {@code kubectl kustomize <dir>} from the repository root; skipped where kubectl is not installed. */
    static String kustomize(String dir) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir)
                    .directory(Path.of("..").toFile())
                    .start();
        } catch (IOException e) {
            Assumptions.abort("kubectl is not installed here, so `kubectl kustomize " + dir + "` was not checked: "
                    + e.getMessage());
            throw e;
        }
        byte[] stderr;
        String out;
        try (var stdout = process.getInputStream();
                var err = process.getErrorStream()) {
            var outFuture = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(stdout));
            stderr = err.readAllBytes();
            out = outFuture.get(60, TimeUnit.SECONDS);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("kubectl kustomize " + dir + ": " + new String(stderr, StandardCharsets.UTF_8))
                .isZero();
        return out;
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
