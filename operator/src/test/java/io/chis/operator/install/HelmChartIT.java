package io.chis.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.install.HelmChart.Rendered;
import io.chis.operator.platform.ConnectionRefs;
import io.chis.operator.platform.ManagedPostgres;
import io.chis.operator.platform.ManagedRedis;
import io.chis.operator.platform.PlatformSettings;
import io.chis.operator.platform.PlatformValidation;
import io.chis.operator.platform.Platforms;
import io.chis.operator.platform.RoleDeployment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** helm/chis-operator: lints, and renders what the operator needs for the defaults and the main value combinations. */
class HelmChartIT {
    private static final Rendered DEFAULTS = HelmChart.template(Map.of());

    @Test
    void theChartLintsCleanlyInStrictMode() {
        LintResult lint = HelmChart.lint();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void valuesYamlMatchesValuesSchemaJson() throws IOException {
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(Files.readString(HelmChart.CHART.resolve("values.schema.json")));
        JsonNode values =
                CrdSchemas.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());
        assertThat(schema.validate(values)).isEmpty();
        // and the schema is not a blank cheque
        ((com.fasterxml.jackson.databind.node.ObjectNode) values.path("crds")).put("create", "yes");
        ((com.fasterxml.jackson.databind.node.ObjectNode) values)
                .putObject("crd")
                .put("create", false);
        assertThat(schema.validate(values)).hasSize(2);
    }

    @Test
    void helmRefusesValuesTheSchemaForbids() {
        assertThatThrownBy(() -> HelmChart.templateYaml(Map.of("crd.create", "false")))
                .hasMessageContaining("crd");
        assertThatThrownBy(() -> HelmChart.templateYaml(Map.of("watchNamespaces[0]", "Shop_1")))
                .hasMessageContaining("watchNamespaces");
        // two replicas without a Lease would both reconcile
        assertThatThrownBy(() -> HelmChart.templateYaml(Map.of("replicaCount", "2", "leaderElection.enabled", "false")))
                .hasMessageContaining("replicaCount");
    }

    @Test
    void byDefaultTheChartInstallsTheCrdsTheRbacAndTheOperator() {
        assertThat(DEFAULTS.objects())
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrder(
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
        for (HasMetadata object : DEFAULTS.objects()) {
            assertThat(object.getMetadata().getLabels())
                    .as(object.getKind())
                    .containsEntry("app.kubernetes.io/name", "chis-operator")
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/version", appVersion())
                    .containsKey("helm.sh/chart");
            boolean clusterScoped = object instanceof CustomResourceDefinition
                    || object instanceof ClusterRole
                    || object instanceof ClusterRoleBinding;
            assertThat(object.getMetadata().getNamespace())
                    .as(object.getKind())
                    .isEqualTo(clusterScoped ? null : HelmChart.NAMESPACE);
        }
    }

    @Test
    void theCrdsAreTheGeneratedOnesAndSurviveAnUninstall() {
        List<CustomResourceDefinition> rendered = DEFAULTS.all(CustomResourceDefinition.class);
        for (CustomResourceDefinition crd : rendered) {
            assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        }
        assertThat(rendered)
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(CrdSchemas.committedCrds().stream()
                        .map(c -> c.getMetadata().getName())
                        .toList());
        for (CustomResourceDefinition committed : CrdSchemas.committedCrds()) {
            CustomResourceDefinition chart = rendered.stream()
                    .filter(c -> c.getMetadata()
                            .getName()
                            .equals(committed.getMetadata().getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(Serialization.asYaml(withoutChartMetadata(chart)))
                    .as("helm/chis-operator/files/crds is out of date with crds/: run make crds")
                    .isEqualTo(Serialization.asYaml(committed));
        }

        Rendered without = HelmChart.template(Map.of("crds.create", "false"));
        assertThat(without.all(CustomResourceDefinition.class)).isEmpty();
        assertThat(without.objects()).hasSize(DEFAULTS.objects().size() - 4);
    }

    @Test
    void watchingAllNamespacesTheClusterRoleGrantsExactlyWhatTheOperatorNeeds() {
        ClusterRole role = DEFAULTS.named(ClusterRole.class, "chis-operator");
        assertThat(OperatorPermissions.grantedBy(role.getRules())).isEqualTo(OperatorPermissions.inWatchedNamespaces());
        assertCrdReader(DEFAULTS);
        ClusterRoleBinding binding = DEFAULTS.named(ClusterRoleBinding.class, "chis-operator");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertBoundToTheOperator(binding.getSubjects());
        assertThat(env(operatorContainer(DEFAULTS))).containsEntry("WATCH_NAMESPACES", "");

        Role lease = DEFAULTS.one(Role.class);
        assertThat(OperatorPermissions.grantedBy(lease.getRules())).isEqualTo(OperatorPermissions.forLeaderElection());
        RoleBinding leaseBinding = DEFAULTS.one(RoleBinding.class);
        assertThat(leaseBinding.getRoleRef()).satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Role");
            assertThat(ref.getName()).isEqualTo(lease.getMetadata().getName());
        });
        assertBoundToTheOperator(leaseBinding.getSubjects());
    }

    @Test
    void watchingListedNamespacesGivesARoleInEachAndNothingClusterWide() {
        Rendered rendered = HelmChart.template(Map.of("watchNamespaces[0]", "shop", "watchNamespaces[1]", "billing"));
        // cluster-wide only the by-name read of the KEDA, CloudNativePG and cert-manager CRDs
        assertThat(rendered.all(ClusterRole.class))
                .extracting(r -> r.getMetadata().getName())
                .containsExactly("chis-operator-crds");
        assertThat(rendered.all(ClusterRoleBinding.class))
                .extracting(r -> r.getMetadata().getName())
                .containsExactly("chis-operator-crds");
        assertCrdReader(rendered);
        assertThat(HelmChart.template(Map.of("watchNamespaces[0]", "shop", "rbac.engineCrds", "false"))
                        .all(ClusterRole.class))
                .isEmpty();
        assertThat(env(operatorContainer(rendered))).containsEntry("WATCH_NAMESPACES", "shop,billing");

        List<Role> operatorRoles = rendered.all(Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals("chis-operator"))
                .toList();
        assertThat(operatorRoles)
                .extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("shop", "billing");
        for (Role role : operatorRoles) {
            assertThat(OperatorPermissions.grantedBy(role.getRules()))
                    .isEqualTo(OperatorPermissions.inWatchedNamespaces());
            RoleBinding binding = rendered.all(RoleBinding.class).stream()
                    .filter(b -> b.getMetadata()
                            .getNamespace()
                            .equals(role.getMetadata().getNamespace()))
                    .findFirst()
                    .orElseThrow();
            assertThat(binding.getRoleRef().getName()).isEqualTo("chis-operator");
            assertBoundToTheOperator(binding.getSubjects());
        }
        assertThat(rendered.find("Role", "chis-operator-leader-election"))
                .get()
                .extracting(r -> r.getMetadata().getNamespace())
                .isEqualTo(HelmChart.NAMESPACE);
    }

    @Test
    void theOperatorRunsLockedDownWithItsProbesAndSettings() {
        Deployment deployment = DEFAULTS.one(Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of(
                        "app.kubernetes.io/name", "chis-operator", "app.kubernetes.io/instance", HelmChart.RELEASE));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(pod.getServiceAccountName())
                .isEqualTo(DEFAULTS.one(ServiceAccount.class).getMetadata().getName());
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        Container container = operatorContainer(DEFAULTS);
        assertThat(container.getImage()).isEqualTo("ghcr.io/chis-io/chis-operator:" + appVersion());
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("health");
            assertThat(p.getContainerPort()).isEqualTo(8081);
        });
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("health");
        assertThat(container.getVolumeMounts())
                .singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes())
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

        assertThat(env(container))
                .containsEntry("CHIS_OPERATOR_SERVER_SIDE_APPLY", "true")
                .containsEntry("CHIS_OPERATOR_LEADER_ELECTION", "true")
                .containsEntry("CHIS_OPERATOR_HEALTH_PORT", "8081");
        assertThat(container.getEnv())
                .filteredOn(e -> e.getName().equals("POD_NAME"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.name"));
        assertThat(container.getEnv())
                .filteredOn(e -> e.getName().equals("POD_NAMESPACE"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.namespace"));

        Rendered standalone = HelmChart.template(
                Map.of("leaderElection.enabled", "false", "serverSideApply", "false", "image.tag", "0.2.0-rc.1"));
        assertThat(env(operatorContainer(standalone)))
                .containsEntry("CHIS_OPERATOR_LEADER_ELECTION", "false")
                .containsEntry("CHIS_OPERATOR_SERVER_SIDE_APPLY", "false");
        assertThat(operatorContainer(standalone).getImage()).isEqualTo("ghcr.io/chis-io/chis-operator:0.2.0-rc.1");
        assertThat(standalone.find("Role", "chis-operator-leader-election")).isEmpty();

        String digest = "sha256:" + "ab".repeat(32);
        assertThat(operatorContainer(HelmChart.template(Map.of("image.digest", digest)))
                        .getImage())
                .as("a digest pins the image instead of the tag")
                .isEqualTo("ghcr.io/chis-io/chis-operator@" + digest);
        assertThat(operatorContainer(HelmChart.template(Map.of())).getImage()).doesNotContain("@");
    }

    @Test
    void theOptionalPlatformIsAValidWebhookPlatformCreatedAfterTheCrds() throws IOException {
        // a post-install hook: Helm resolves a release's objects before creating any, so the WebhookPlatform cannot be
        // part of the release that creates its CRD. Hooks are not in `helm template`'s release manifest.
        assertThat(Files.readString(HelmChart.CHART.resolve("templates/platform.yaml")))
                .contains("kind: WebhookPlatform", "helm.sh/hook: post-install", "toYaml .Values.platform.spec");
        assertThat(HelmChart.template(Map.of("platform.enabled", "true")).ofKind("WebhookPlatform"))
                .isEmpty();

        // what it renders from: values.yaml's platform.spec makes a WebhookPlatform the API server and the operator
        // accept
        JsonNode values =
                CrdSchemas.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());
        assertThat(values.at("/platform/enabled").asBoolean()).isFalse();
        var platform = Serialization.jsonMapper()
                .createObjectNode()
                .put("apiVersion", "chis.io/v1alpha1")
                .put("kind", "WebhookPlatform");
        platform.putObject("metadata")
                .put("name", values.at("/platform/name").asText())
                .put("namespace", HelmChart.NAMESPACE);
        platform.set("spec", values.at("/platform/spec"));
        assertThat(CrdSchemas.committed().validate(platform)).isEmpty();
        WebhookPlatform typed = Serialization.jsonMapper().treeToValue(platform, WebhookPlatform.class);
        assertThat(PlatformValidation.validate(typed, PlatformSettings.of(typed), name -> Optional.empty()))
                .isEmpty();
        assertThat(PlatformSettings.of(typed).managedPostgres()).isPresent();

        assertThat(HelmChart.notes(Map.of("platform.enabled", "true", "platform.namespace", "shop")))
                .contains("The WebhookPlatform chis was created in shop", "kubectl -n shop get webhookplatform chis");
    }

    @Test
    void theNotesSayWhatToDoNext() {
        assertThat(HelmChart.notes(Map.of()))
                .contains("watching every namespace")
                .contains("rollout status deployment/chis-operator")
                .contains(
                        "\"kind\":\"WebhookPlatform\"",
                        "kubectl apply -n shop -f -",
                        "wait webhookplatform/chis --for=condition=Ready")
                .contains("port-forward service/chis-api 8080:8080")
                .contains("/webhook/send");
        assertThat(HelmChart.notes(Map.of("crds.create", "false", "watchNamespaces[0]", "shop")))
                .contains("watching the namespaces shop")
                .contains("install the CRDs yourself");
    }

    @Test
    void thePodMonitorScrapesEveryRuntimeRoleAndNothingElse() {
        assertThat(DEFAULTS.ofKind("PodMonitor")).isEmpty();
        Rendered rendered =
                HelmChart.template(Map.of("podMonitor.enabled", "true", "podMonitor.labels.release", "prometheus"));
        JsonNode monitor = Serialization.jsonMapper()
                .valueToTree(rendered.ofKind("PodMonitor").get(0));
        assertThat(monitor.at("/apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/namespaceSelector/any").asBoolean()).isTrue();
        LabelSelector selector =
                Serialization.jsonMapper().convertValue(monitor.at("/spec/selector"), LabelSelector.class);
        JsonNode endpoint = monitor.at("/spec/podMetricsEndpoints/0");
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");

        // the pods the operator really creates for a platform
        WebhookPlatform platform = Platforms.stored(Platforms.managed("shop", "acme"));
        PlatformSettings settings = PlatformSettings.of(platform);
        for (io.chis.common.Role role : io.chis.common.Role.values()) {
            PodTemplateSpec pod = RoleDeployment.desired(platform, settings, role, ConnectionRefs.of(settings), "hash")
                    .getSpec()
                    .getTemplate();
            assertThat(selects(selector, pod.getMetadata().getLabels()))
                    .as(role.id())
                    .isTrue();
            assertThat(pod.getSpec().getContainers().get(0).getPorts())
                    .as(role.id() + " has the container port the PodMonitor scrapes")
                    .anySatisfy(p -> {
                        assertThat(p.getName()).isEqualTo(endpoint.path("port").asText());
                        assertThat(p.getContainerPort()).isEqualTo(PlatformSettings.METRICS_PORT);
                    });
        }
        assertThat(selects(
                        selector,
                        ManagedPostgres.statefulSet(platform, settings)
                                .getSpec()
                                .getTemplate()
                                .getMetadata()
                                .getLabels()))
                .as("postgres")
                .isFalse();
        assertThat(selects(
                        selector,
                        ManagedRedis.deployment(platform, settings)
                                .getSpec()
                                .getTemplate()
                                .getMetadata()
                                .getLabels()))
                .as("redis")
                .isFalse();

        JsonNode scoped = Serialization.jsonMapper()
                .valueToTree(HelmChart.template(Map.of(
                                "podMonitor.enabled",
                                "true",
                                "watchNamespaces[0]",
                                "shop",
                                "watchNamespaces[1]",
                                "billing"))
                        .ofKind("PodMonitor")
                        .get(0));
        assertThat(scoped.at("/spec/namespaceSelector/matchNames").toString()).isEqualTo("[\"shop\",\"billing\"]");
    }

    @Test
    void theGrafanaDashboardShowsTheRuntimesMetrics() throws IOException {
        assertThat(DEFAULTS.all(ConfigMap.class)).isEmpty();
        ConfigMap dashboard =
                HelmChart.template(Map.of("grafana.dashboard.enabled", "true")).one(ConfigMap.class);
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode json = Serialization.jsonMapper().readTree(dashboard.getData().get("chis.json"));
        assertThat(json.path("title").asText()).isEqualTo("Chis");

        Set<String> used = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b(?:http|webhooks?|chis)_[a-z_]+\\b");
        for (JsonNode expr : json.findValues("expr")) {
            Matcher m = metric.matcher(expr.asText());
            while (m.find()) {
                used.add(m.group());
            }
        }
        Set<String> registered = RuntimeMeters.names();
        assertThat(registered)
                .as("meters found in runtime/src/main/java")
                .contains("http.requests", "chis.queue.depth");
        for (String name : used) {
            assertThat(registered)
                    .as(name + " is a meter the runtime registers")
                    .contains(RuntimeMeters.meterName(name));
        }
        // DESIGN §6's names, and every chis_* meter
        assertThat(used)
                .contains(
                        "http_requests_total",
                        "http_request_duration_ms_bucket",
                        "webhooks_delivered_total",
                        "webhook_delivery_duration_ms_bucket");
        Set<String> usedMeters = used.stream().map(RuntimeMeters::meterName).collect(Collectors.toSet());
        assertThat(usedMeters)
                .containsAll(
                        registered.stream().filter(n -> n.startsWith("chis.")).toList());
    }

    static String appVersion() {
        try {
            JsonNode chart = CrdSchemas.YAML.readTree(
                    HelmChart.CHART.resolve("Chart.yaml").toFile());
            return chart.path("appVersion").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CustomResourceDefinition withoutChartMetadata(CustomResourceDefinition crd) {
        CustomResourceDefinition copy = Serialization.clone(crd);
        copy.getMetadata().setAnnotations(null);
        copy.getMetadata().setLabels(null);
        return copy;
    }

    private static Container operatorContainer(Rendered rendered) {
        return rendered.one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    private static void assertCrdReader(Rendered rendered) {
        ClusterRole reader = rendered.named(ClusterRole.class, "chis-operator-crds");
        assertThat(OperatorPermissions.onlyReadTheCrds(reader.getRules()))
                .as("get on customresourcedefinitions " + OperatorPermissions.CRDS + " only: " + reader.getRules())
                .isTrue();
        ClusterRoleBinding binding = rendered.named(ClusterRoleBinding.class, "chis-operator-crds");
        assertThat(binding.getRoleRef().getName()).isEqualTo("chis-operator-crds");
        assertBoundToTheOperator(binding.getSubjects());
    }

    private static void assertBoundToTheOperator(List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects) {
        assertThat(subjects).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("chis-operator");
            assertThat(s.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        });
    }

    /** Kubernetes label selector semantics (matchLabels and In / NotIn / Exists / DoesNotExist). */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        for (LabelSelectorRequirement r :
                Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException(r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
