package io.chis.e2e.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.e2e.node.Cluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every object the real operator creates for two platforms (managed stores with replicated roles; external stores),
 * checked against Kubernetes itself: the API schemas of the oldest release the README supports and of the newest one
 * vendored, strictly (unknown fields fail), and the Pod Security Standards restricted profile for every pod template.
 */
class ChildManifestsIT {
    static final String NAMESPACE = "manifests";
    static final List<String> VERSIONS = List.of("1.25.2", "1.27.1");
    static Cluster cluster;
    static List<HasMetadata> children;

    @BeforeAll
    static void operatorCreatesEverything() {
        cluster = new Cluster("manifests", false);
        cluster.startOperator();
        cluster.apply(NAMESPACE, """
                apiVersion: v1
                kind: Secret
                metadata: {name: stores}
                stringData:
                  database: postgresql://chis:secret@db.example.com:5432/chis?sslmode=require
                  redis: redis://default:secret@redis.example.com:6379/0
                ---
                apiVersion: chis.io/v1alpha1
                kind: WebhookPlatform
                metadata: {name: chis}
                spec:
                  api: {replicas: 2, service: {type: LoadBalancer}}
                  worker: {replicas: 2, concurrency: 32}
                  database: {managed: {storage: 2Gi}}
                  redis: {managed: {}}
                  defaultPolicy: standard
                ---
                apiVersion: chis.io/v1alpha1
                kind: WebhookPlatform
                metadata: {name: ext}
                spec:
                  database: {external: {urlSecretRef: {name: stores, key: database}}}
                  redis: {external: {urlSecretRef: {name: stores, key: redis}}}
                """);
        try {
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.client.apps().deployments().inNamespace(NAMESPACE).list().getItems().stream()
                                    .filter(d -> d.getMetadata()
                                            .getName()
                                            .matches("(chis|ext)-(api|delivery|worker|scheduler)"))
                                    .count()
                            == 8);
        } catch (RuntimeException e) {
            throw new AssertionError("the operator did not create all role Deployments:\n" + cluster.operatorLog(), e);
        }
        children = new ArrayList<>();
        var c = cluster.client;
        var selector = Map.of("app.kubernetes.io/managed-by", "chis-operator");
        children.addAll(
                c.secrets().inNamespace(NAMESPACE).withLabels(selector).list().getItems());
        children.addAll(
                c.services().inNamespace(NAMESPACE).withLabels(selector).list().getItems());
        children.addAll(c.configMaps()
                .inNamespace(NAMESPACE)
                .withLabels(selector)
                .list()
                .getItems());
        children.addAll(c.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withLabels(selector)
                .list()
                .getItems());
        children.addAll(c.apps()
                .statefulSets()
                .inNamespace(NAMESPACE)
                .withLabels(selector)
                .list()
                .getItems());
        children.addAll(c.batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .withLabels(selector)
                .list()
                .getItems());
        children.addAll(c.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NAMESPACE)
                .withLabels(selector)
                .list()
                .getItems());
        children.addAll(c.network()
                .v1()
                .ingresses()
                .inNamespace(NAMESPACE)
                .withLabels(selector)
                .list()
                .getItems());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyChildIsAValidObjectOfTheOldestAndNewestKubernetes() {
        assertThat(children)
                .extracting(HasMetadata::getKind)
                .contains("Secret", "Service", "Deployment", "StatefulSet", "Job", "PodDisruptionBudget");
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (String version : VERSIONS) {
            KubernetesSchemas schemas = KubernetesSchemas.load(version);
            for (HasMetadata child : children) {
                // status is the simulated controllers' doing, not the operator's
                HasMetadata object = io.fabric8.kubernetes.client.utils.Serialization.clone(child);
                clearStatus(object);
                List<String> found = schemas.validate(object);
                if (!found.isEmpty()) {
                    problems.put(
                            version + " " + child.getKind() + " "
                                    + child.getMetadata().getName(),
                            found);
                }
            }
        }
        System.out.printf(
                "manifests: %d children of 2 platforms validated against Kubernetes %s, %d problems%n",
                children.size(), String.join(" and ", VERSIONS), problems.size());
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPodTemplatePassesTheRestrictedPodSecurityStandard() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        int templates = 0;
        for (HasMetadata child : children) {
            PodTemplateSpec template = switch (child) {
                case Deployment d -> d.getSpec().getTemplate();
                case StatefulSet s -> s.getSpec().getTemplate();
                case Job j -> j.getSpec().getTemplate();
                default -> null;
            };
            if (template == null) {
                continue;
            }
            templates++;
            List<String> found =
                    RestrictedPodSecurity.violations(template.getMetadata().getAnnotations(), template.getSpec());
            if (!found.isEmpty()) {
                problems.put(child.getKind() + " " + child.getMetadata().getName(), found);
            }
        }
        System.out.printf(
                "pod security: %d pod templates against the %d rules of the restricted profile, %d violating%n",
                templates, RestrictedPodSecurity.RULES.size(), problems.size());
        assertThat(problems).isEmpty();
    }

    @Test
    void theRestrictedCheckCatchesWhatItNames() {
        var pod = new PodBuilder()
                .withNewSpec()
                .withHostNetwork(true)
                .addNewVolume()
                .withName("host")
                .withNewHostPath()
                .withPath("/")
                .endHostPath()
                .endVolume()
                .addNewContainer()
                .withName("bad")
                .withImage("x")
                .addNewPort()
                .withContainerPort(80)
                .withHostPort(80)
                .endPort()
                .withNewSecurityContext()
                .withPrivileged(true)
                .withRunAsUser(0L)
                .withNewCapabilities()
                .addToAdd("SYS_ADMIN")
                .endCapabilities()
                .endSecurityContext()
                .endContainer()
                .endSpec()
                .build();
        List<String> found = RestrictedPodSecurity.violations(Map.of(), pod.getSpec());
        assertThat(found)
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(1)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(2)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(3)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(4)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(5)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(11)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(12)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(13)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(14)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(15)))
                .anyMatch(p -> p.startsWith(RestrictedPodSecurity.RULES.get(16)));
    }

    private static void clearStatus(HasMetadata object) {
        switch (object) {
            case Deployment d -> d.setStatus(null);
            case StatefulSet s -> s.setStatus(null);
            case Job j -> j.setStatus(null);
            case io.fabric8.kubernetes.api.model.Service s -> s.setStatus(null);
            default -> {}
        }
    }
}
