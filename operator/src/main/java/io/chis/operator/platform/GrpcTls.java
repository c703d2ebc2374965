package io.chis.operator.platform;

import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.platform.GrpcCertificates.Issued;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mutual TLS of a platform's gRPC traffic: what the Secrets {@code <name>-grpc-ca} and {@code <name>-grpc-tls} hold, the
 * cert-manager Certificate that fills the latter instead when the spec names an issuer, and how the role pods mount
 * it. Pure: the rollout decides when to write.
 */
public final class GrpcTls {
    /** Where every role pod finds the certificate, key and CA (read-only). */
    public static final String MOUNT_PATH = "/etc/chis/grpc-tls";

    public static final String VOLUME = "grpc-tls";
    public static final String CERT = "tls.crt";
    public static final String KEY = "tls.key";
    public static final String CA = "ca.crt";
    public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";
    /** cert-manager writes this annotation on the Secrets it fills. */
    public static final String CERT_MANAGER_ANNOTATION = "cert-manager.io/certificate-name";

    public static final ResourceDefinitionContext CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io")
            .withVersion("v1")
            .withKind("Certificate")
            .withPlural("certificates")
            .withNamespaced(true)
            .build();

    private GrpcTls() {}

    /** {@code <name>-grpc-ca}: a new CA. Only ever created; an existing one is never replaced. */
    static Secret authoritySecret(WebhookPlatform platform, PlatformSettings settings, Instant now) {
        Issued ca = GrpcCertificates.certificateAuthority(settings.name() + "-grpc-ca." + settings.namespace(), now);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(CERT, ca.certificatePem());
        data.put(KEY, ca.privateKeyPem());
        return PlatformSecrets.secret(platform, settings.grpcCaName(), "grpc-ca", TLS_SECRET_TYPE, data);
    }

    /** The CA in a {@code <name>-grpc-ca} Secret, if it holds a usable one. */
    static Optional<Issued> authority(Secret secret) {
        return PlatformSecrets.value(secret, CERT)
                .flatMap(cert ->
                        PlatformSecrets.value(secret, KEY).flatMap(key -> GrpcCertificates.usableAuthority(cert, key)));
    }

    /**
     * {@code <name>-grpc-tls}: the existing leaf while {@code ca} signed it, it names the delivery Service and it is not
     * yet due for renewal ({@link GrpcCertificates#renewalDue}); otherwise a new one.
     */
    static Secret leafSecret(
            WebhookPlatform platform, PlatformSettings settings, Issued ca, Optional<Secret> existing, Instant now) {
        Optional<Issued> current = existing.flatMap(secret -> PlatformSecrets.value(secret, CERT)
                .flatMap(cert -> PlatformSecrets.value(secret, KEY).map(key -> new Issued(cert, key))));
        Issued leaf = current.filter(l -> GrpcCertificates.leafStillGood(l, ca, settings.grpcDnsNames(), now))
                .orElseGet(
                        () -> GrpcCertificates.leaf(ca, settings.grpcDnsNames().get(0), settings.grpcDnsNames(), now));
        Map<String, String> data = new LinkedHashMap<>();
        data.put(CERT, leaf.certificatePem());
        data.put(KEY, leaf.privateKeyPem());
        data.put(CA, ca.certificatePem());
        return PlatformSecrets.secret(platform, settings.grpcTlsName(), "grpc-tls", TLS_SECRET_TYPE, data);
    }

    /**
     * A cert-manager Certificate filling {@code <name>-grpc-tls} from the spec's issuer: the same names, lifetime and
     * renewal point as the operator's own, an ECDSA key in PKCS#8 (what gRPC reads) replaced on every renewal.
     */
    static GenericKubernetesResource certificate(
            WebhookPlatform platform, PlatformSettings settings, PlatformSettings.Issuer issuer) {
        GenericKubernetesResource certificate = new GenericKubernetesResource();
        certificate.setApiVersion(CERTIFICATES.getGroup() + "/" + CERTIFICATES.getVersion());
        certificate.setKind(CERTIFICATES.getKind());
        certificate.setMetadata(ChildMetadata.of(platform, settings.grpcTlsName(), "grpc-tls"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("secretName", settings.grpcTlsName());
        spec.put("commonName", settings.grpcDnsNames().get(0));
        spec.put("dnsNames", settings.grpcDnsNames());
        spec.put("duration", GrpcCertificates.LEAF_VALIDITY.toHours() + "h");
        spec.put("renewBefore", GrpcCertificates.LEAF_VALIDITY.toHours() / 3 + "h");
        spec.put(
                "privateKey",
                Map.of("algorithm", "ECDSA", "size", 256, "encoding", "PKCS8", "rotationPolicy", "Always"));
        spec.put("usages", List.of("digital signature", "server auth", "client auth"));
        spec.put("issuerRef", Map.of("name", issuer.name(), "kind", issuer.kind(), "group", "cert-manager.io"));
        certificate.setAdditionalProperty("spec", spec);
        return certificate;
    }

    /** The read-only volume with the three files, readable by the runtime's group only. */
    static Volume volume(PlatformSettings settings) {
        return new VolumeBuilder()
                .withName(VOLUME)
                .withNewSecret()
                .withSecretName(settings.grpcTlsName())
                .withDefaultMode(0440)
                .endSecret()
                .build();
    }

    static VolumeMount mount() {
        return new VolumeMountBuilder()
                .withName(VOLUME)
                .withMountPath(MOUNT_PATH)
                .withReadOnly(true)
                .build();
    }

    /** CHIS_GRPC_TLS_CERT, _KEY and _CA: with them set, the runtime's gRPC server and client use mutual TLS. */
    static List<EnvVar> env() {
        return List.of(
                new EnvVar("CHIS_GRPC_TLS_CERT", MOUNT_PATH + "/" + CERT, null),
                new EnvVar("CHIS_GRPC_TLS_KEY", MOUNT_PATH + "/" + KEY, null),
                new EnvVar("CHIS_GRPC_TLS_CA", MOUNT_PATH + "/" + CA, null));
    }

    /** Whether cert-manager filled this Secret (it annotates the Secrets it writes). */
    static boolean filledByCertManager(Secret secret) {
        return secret.getMetadata().getAnnotations() != null
                && secret.getMetadata().getAnnotations().containsKey(CERT_MANAGER_ANNOTATION);
    }
}
