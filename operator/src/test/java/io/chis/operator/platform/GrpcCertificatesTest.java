package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.chis.operator.platform.GrpcCertificates.Issued;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final List<String> NAMES = List.of(
            "acme-delivery",
            "acme-delivery.shop",
            "acme-delivery.shop.svc",
            "acme-delivery.shop.svc.cluster.local",
            "localhost");
    private static final Issued CA = GrpcCertificates.certificateAuthority("acme-grpc-ca.shop", NOW);

    @Test
    void renewalIsDueOnceTwoThirdsOfTheLifetimeHavePassed() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(90));
        assertThat(GrpcCertificates.renewalDue(start, end, start)).isFalse();
        assertThat(GrpcCertificates.renewalDue(start, end, start.plus(Duration.ofDays(59))))
                .isFalse();
        assertThat(GrpcCertificates.renewalDue(
                        start, end, start.plus(Duration.ofDays(60)).minusSeconds(1)))
                .isFalse();
        assertThat(GrpcCertificates.renewalDue(start, end, start.plus(Duration.ofDays(60))))
                .isTrue();
        assertThat(GrpcCertificates.renewalDue(start, end, end.plusSeconds(1))).isTrue();
    }

    @Test
    void theCaIsAnEcdsaP256AuthorityForFiveYearsThatSignsLeavesOnly() throws Exception {
        X509Certificate ca = GrpcCertificates.certificate(CA.certificatePem());
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.getBasicConstraints()).isZero();
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        assertThat(Duration.between(
                        ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofDays(5 * 365));
        assertThat(ca.getNotBefore().toInstant()).isBefore(NOW);
        assertThatNoException().isThrownBy(() -> ca.verify(ca.getPublicKey()));
        assertThat(CA.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(GrpcCertificates.usableAuthority(CA.certificatePem(), CA.privateKeyPem()))
                .isPresent();
    }

    @Test
    void theLeafIsSignedByTheCaForTheDeliveryNamesAsServerAndClient() throws Exception {
        Issued leaf = GrpcCertificates.leaf(CA, "acme-delivery", NAMES, NOW);
        X509Certificate certificate = GrpcCertificates.certificate(leaf.certificatePem());
        certificate.verify(GrpcCertificates.certificate(CA.certificatePem()).getPublicKey());
        assertThat(GrpcCertificates.dnsNames(certificate)).containsExactlyElementsOf(NAMES);
        assertThat(certificate.getExtendedKeyUsage())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(Duration.between(
                        certificate.getNotBefore().toInstant(),
                        certificate.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(90));
        assertThat(leaf.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        // a leaf cannot act as a CA
        assertThat(GrpcCertificates.usableAuthority(leaf.certificatePem(), leaf.privateKeyPem()))
                .isEmpty();
    }

    @Test
    void aLeafStaysUntilItIsDueOrNoLongerFitsTheCaOrTheNames() {
        Issued leaf = GrpcCertificates.leaf(CA, "acme-delivery", NAMES, NOW);
        assertThat(GrpcCertificates.leafStillGood(leaf, CA, NAMES, NOW)).isTrue();
        assertThat(GrpcCertificates.leafStillGood(leaf, CA, NAMES, NOW.plus(Duration.ofDays(59))))
                .isTrue();
        assertThat(GrpcCertificates.leafStillGood(leaf, CA, NAMES, NOW.plus(Duration.ofDays(60))))
                .isFalse();

        Issued otherCa = GrpcCertificates.certificateAuthority("other", NOW);
        assertThat(GrpcCertificates.leafStillGood(leaf, otherCa, NAMES, NOW)).isFalse();
        assertThat(GrpcCertificates.leafStillGood(leaf, CA, NAMES.subList(0, 4), NOW))
                .isFalse();
        Issued otherKey = new Issued(
                leaf.certificatePem(),
                GrpcCertificates.leaf(CA, "x", NAMES, NOW).privateKeyPem());
        assertThat(GrpcCertificates.leafStillGood(otherKey, CA, NAMES, NOW)).isFalse();
        assertThat(GrpcCertificates.leafStillGood(new Issued("garbage", "garbage"), CA, NAMES, NOW))
                .isFalse();
    }
}
