package io.chis.operator.platform;

import static io.chis.operator.platform.PlatformOperatorIT.container;
import static io.chis.operator.platform.PlatformOperatorIT.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.chis.common.Role;
import io.chis.operator.OperatorHarness;
import io.chis.operator.api.Condition;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.chis.operator.platform.GrpcCertificates.Issued;
import io.chis.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real operator against the fabric8 mock API server: the gRPC TLS material of a WebhookPlatform. */
class GrpcTlsOperatorIT {
    private static final String NS = "shop";
    private static final List<String> SANS = List.of(
            "acme-delivery",
            "acme-delivery.shop",
            "acme-delivery.shop.svc",
            "acme-delivery.shop.svc.cluster.local",
            "localhost");
    private OperatorHarness k8s;

    @BeforeEach
    void start() throws Exception {
        k8s = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        k8s.close();
    }

    @Test
    void theOperatorIssuesACaAndALeafMountsItInEveryRoleAndRenewsTheLeafNearExpiryFromTheSameCa() throws Exception {
        WebhookPlatform platform = k8s.create(Platforms.managed(NS, "acme"));

        Secret caSecret = k8s.awaitExists(Secret.class, NS, "acme-grpc-ca");
        assertThat(caSecret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(caSecret.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> assertThat(ref.getUid())
                        .isEqualTo(platform.getMetadata().getUid()));
        X509Certificate ca = GrpcCertificates.certificate(value(caSecret, "tls.crt"));
        assertThat(ca.getBasicConstraints()).isZero();

        Secret tls = k8s.awaitExists(Secret.class, NS, "acme-grpc-tls");
        assertThat(tls.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(tls.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(value(tls, "ca.crt")).isEqualTo(value(caSecret, "tls.crt"));
        X509Certificate leaf = GrpcCertificates.certificate(value(tls, "tls.crt"));
        leaf.verify(ca.getPublicKey());
        assertThat(GrpcCertificates.dnsNames(leaf)).containsExactlyElementsOf(SANS);
        assertThat(leaf.getExtendedKeyUsage())
                .as("server and client auth")
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(89)));

        Map<Role, String> hashes = rollOut("acme");
        for (Role role : Role.values()) {
            Deployment deployment = k8s.get(Deployment.class, NS, "acme-" + role.id());
            assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                    .as(role.id())
                    .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("acme-grpc-tls"));
            assertThat(container(deployment).getVolumeMounts())
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/chis/grpc-tls"));
            assertThat(env(deployment, "CHIS_GRPC_TLS_CERT")).isEqualTo("/etc/chis/grpc-tls/tls.crt");
            assertThat(env(deployment, "CHIS_GRPC_TLS_KEY")).isEqualTo("/etc/chis/grpc-tls/tls.key");
            assertThat(env(deployment, "CHIS_GRPC_TLS_CA")).isEqualTo("/etc/chis/grpc-tls/ca.crt");
        }

        // the leaf is 80 of its 90 days old: past two thirds, so the operator issues a new one from the same CA
        Issued authority = new Issued(value(caSecret, "tls.crt"), value(caSecret, "tls.key"));
        Issued old = GrpcCertificates.leaf(
                authority, "acme-delivery", SANS, Instant.now().minus(Duration.ofDays(80)));
        k8s.client.secrets().inNamespace(NS).withName("acme-grpc-tls").edit(s -> {
            s.getData().put("tls.crt", encode(old.certificatePem()));
            s.getData().put("tls.key", encode(old.privateKeyPem()));
            return s;
        });
        Secret renewed = OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Secret.class, NS, "acme-grpc-tls"))
                .filter(s -> !value(s, "tls.crt").equals(old.certificatePem())
                        && !value(s, "tls.crt").equals(value(tls, "tls.crt")))
                .orElse(null));
        X509Certificate fresh = GrpcCertificates.certificate(value(renewed, "tls.crt"));
        fresh.verify(ca.getPublicKey());
        assertThat(fresh.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(89)));
        assertThat(value(renewed, "tls.key")).isNotEqualTo(old.privateKeyPem());
        assertThat(k8s.get(Secret.class, NS, "acme-grpc-ca").getData())
                .as("the CA is never replaced")
                .isEqualTo(caSecret.getData());

        // every role's pods roll onto the new certificate
        for (Role role : Role.values()) {
            OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Deployment.class, NS, "acme-" + role.id()))
                    .filter(d -> !configHash(d).equals(hashes.get(role)))
                    .orElse(null));
        }
    }

    @Test
    void aBrokenCaIsReportedNotReplacedAndADeletedOneIsIssuedAgainWithANewLeaf() {
        k8s.create(Platforms.managed(NS, "acme"));
        Secret tls = k8s.awaitExists(Secret.class, NS, "acme-grpc-tls");
        k8s.client.secrets().inNamespace(NS).withName("acme-grpc-ca").edit(s -> {
            s.getData().put("tls.key", encode("not a key"));
            return s;
        });
        Condition broken = awaitCondition(Conditions.READY, c -> "GrpcCaInvalid".equals(c.getReason()));
        assertThat(broken.getMessage()).contains("acme-grpc-ca").contains("delete it");
        assertThat(value(k8s.get(Secret.class, NS, "acme-grpc-ca"), "tls.key")).isEqualTo("not a key");

        k8s.client.secrets().inNamespace(NS).withName("acme-grpc-ca").delete();
        Secret newCa = OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Secret.class, NS, "acme-grpc-ca"))
                .filter(s -> !value(s, "tls.key").equals("not a key"))
                .orElse(null));
        Secret reissued = OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Secret.class, NS, "acme-grpc-tls"))
                .filter(s -> value(s, "ca.crt").equals(value(newCa, "tls.crt")))
                .orElse(null));
        assertThat(value(reissued, "tls.crt")).isNotEqualTo(value(tls, "tls.crt"));
    }

    @Test
    void anIssuerNeedsCertManagerThenACertificateFillsTheSecretAndDroppingTheIssuerGoesBackToTheOperatorsCa() {
        WebhookPlatform spec = Platforms.managed(NS, "acme");
        WebhookPlatformSpec.TlsSpec tlsSpec = new WebhookPlatformSpec.TlsSpec();
        WebhookPlatformSpec.IssuerRef issuer = new WebhookPlatformSpec.IssuerRef();
        issuer.setName("internal-ca");
        issuer.setKind("ClusterIssuer");
        tlsSpec.setIssuerRef(issuer);
        spec.getSpec().setTls(tlsSpec);
        k8s.create(spec);

        Condition missing =
                awaitCondition(Conditions.READY, c -> SpecProblem.CERT_MANAGER_NOT_INSTALLED.equals(c.getReason()));
        assertThat(missing.getStatus()).isEqualTo("False");
        assertThat(missing.getMessage()).contains("internal-ca").contains("certificates.cert-manager.io");
        assertThat(k8s.client.secrets().inNamespace(NS).list().getItems()).isEmpty();

        // cert-manager gets installed: the operator looks again by itself and creates the Certificate, no CA of its own
        installCertManagerCrd();
        GenericKubernetesResource certificate = OperatorHarness.await(
                () -> certificates().withName("acme-grpc-tls").get());
        assertThat(certificate.getMetadata().getOwnerReferences()).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> certificateSpec = (Map<String, Object>) certificate.get("spec");
        assertThat(certificateSpec)
                .containsEntry("secretName", "acme-grpc-tls")
                .containsEntry("dnsNames", SANS)
                .containsEntry(
                        "issuerRef",
                        Map.of("name", "internal-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"));
        Map<Role, String> hashes = rollOut("acme");
        assertThat(k8s.get(Secret.class, NS, "acme-grpc-ca")).isNull();
        assertThat(env(k8s.get(Deployment.class, NS, "acme-api"), "CHIS_GRPC_TLS_CERT"))
                .isEqualTo("/etc/chis/grpc-tls/tls.crt");

        // cert-manager issues: the pods roll onto the certificate
        Issued ca = GrpcCertificates.certificateAuthority("someone else's CA", Instant.now());
        Issued leaf = GrpcCertificates.leaf(ca, "acme-delivery", SANS, Instant.now());
        k8s.create(new SecretBuilder()
                .withNewMetadata()
                .withName("acme-grpc-tls")
                .withNamespace(NS)
                .addToAnnotations("cert-manager.io/certificate-name", "acme-grpc-tls")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", leaf.certificatePem())
                .addToStringData("tls.key", leaf.privateKeyPem())
                .addToStringData("ca.crt", ca.certificatePem())
                .build());
        OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Deployment.class, NS, "acme-api"))
                .filter(d -> !configHash(d).equals(hashes.get(Role.API)))
                .orElse(null));

        // the issuer is dropped: the Certificate and cert-manager's Secret go, the operator's own CA takes over
        k8s.client
                .resources(WebhookPlatform.class)
                .inNamespace(NS)
                .withName("acme")
                .edit(p -> {
                    p.getSpec().getTls().setIssuerRef(null);
                    return p;
                });
        OperatorHarness.await(() -> certificates().withName("acme-grpc-tls").get() == null ? true : null);
        Secret caSecret = k8s.awaitExists(Secret.class, NS, "acme-grpc-ca");
        Secret own = OperatorHarness.await(() -> Optional.ofNullable(k8s.get(Secret.class, NS, "acme-grpc-tls"))
                .filter(s -> value(s, "ca.crt").equals(value(caSecret, "tls.crt")))
                .orElse(null));
        assertThat(own.getMetadata().getOwnerReferences()).hasSize(1);
        assertThat(own.getMetadata().getAnnotations()).doesNotContainKey("cert-manager.io/certificate-name");
    }

    @Test
    void tlsOffMeansNoMaterialAndNoMount() {
        k8s.create(Platforms.plaintextGrpc(Platforms.managed(NS, "acme")));
        rollOut("acme");
        assertThat(k8s.get(Secret.class, NS, "acme-grpc-ca")).isNull();
        assertThat(k8s.get(Secret.class, NS, "acme-grpc-tls")).isNull();
        for (Role role : Role.values()) {
            Deployment deployment = k8s.get(Deployment.class, NS, "acme-" + role.id());
            assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                    .isEmpty();
            assertThat(env(deployment, "CHIS_GRPC_TLS_CERT")).isNull();
        }
    }

    // ---- helpers ----

    /** The database comes up and the migration succeeds: the role Deployments are created; returns their config hashes. */
    private Map<Role, String> rollOut(String name) {
        k8s.awaitExists(StatefulSet.class, NS, name + "-postgres");
        k8s.markStatefulSetReady(NS, name + "-postgres");
        Job migration =
                OperatorHarness.await(() -> k8s.jobs(NS).stream().findFirst().orElse(null));
        k8s.markJobSucceeded(NS, migration.getMetadata().getName());
        Map<Role, String> hashes = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            hashes.put(role, configHash(k8s.awaitExists(Deployment.class, NS, name + "-" + role.id())));
        }
        return hashes;
    }

    private void installCertManagerCrd() {
        k8s.client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(new CustomResourceDefinitionBuilder()
                        .withNewMetadata()
                        .withName("certificates.cert-manager.io")
                        .endMetadata()
                        .withNewSpec()
                        .withGroup("cert-manager.io")
                        .withScope("Namespaced")
                        .withNewNames()
                        .withKind("Certificate")
                        .withPlural("certificates")
                        .withSingular("certificate")
                        .endNames()
                        .addNewVersion()
                        .withName("v1")
                        .withServed(true)
                        .withStorage(true)
                        .withNewSchema()
                        .withNewOpenAPIV3Schema()
                        .withType("object")
                        .withXKubernetesPreserveUnknownFields(true)
                        .endOpenAPIV3Schema()
                        .endSchema()
                        .endVersion()
                        .endSpec()
                        .build())
                .create();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
                    GenericKubernetesResource,
                    io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
                    io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
            certificates() {
        return k8s.client.genericKubernetesResources(GrpcTls.CERTIFICATES).inNamespace(NS);
    }

    private Condition awaitCondition(String type, Predicate<Condition> wanted) {
        return OperatorHarness.await(() -> Optional.ofNullable(k8s.platform(NS, "acme"))
                .flatMap(p -> Conditions.find(p.getStatus(), type))
                .filter(wanted)
                .orElse(null));
    }

    private static String configHash(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(RoleDeployment.CONFIG_HASH);
    }

    private static String value(Secret secret, String key) {
        return PlatformSecrets.value(secret, key).orElseThrow();
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
