package io.chis.operator.platform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 side of a platform's gRPC TLS: a self-signed CA and the leaf the roles (and the operator) present, both on
 * ECDSA P-256 keys, written as PEM (certificates) and PKCS#8 PEM (keys, which gRPC's Netty reads without extra
 * providers). Issuing uses only the JDK's providers; BouncyCastle builds the certificates.
 */
public final class GrpcCertificates {
    public static final Duration CA_VALIDITY = Duration.ofDays(5 * 365 + 1);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(90);
    /** notBefore lies this far in the past, so a node whose clock is a little behind accepts a fresh certificate. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its private key, both PEM. */
    public record Issued(String certificatePem, String privateKeyPem) {}

    private GrpcCertificates() {}

    /**
     * Whether a certificate valid from {@code notBefore} to {@code notAfter} is due for a new one at {@code now}: once
     * two thirds of its lifetime have passed (30 days before the end of a 90-day certificate), so a failed renewal has a
     * month of retries before anything breaks.
     */
    public static boolean renewalDue(Instant notBefore, Instant notAfter, Instant now) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        return !now.isBefore(notBefore.plus(lifetime.multipliedBy(2).dividedBy(3)));
    }

    /** A self-signed CA that may sign leaves only (path length 0). */
    public static Issued certificateAuthority(String commonName, Instant now) {
        KeyPair keys = newKeyPair();
        X500Name subject = name(commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keys.getPublic(), now, CA_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(pem(sign(builder, keys.getPrivate())), pem(keys.getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not issue the gRPC CA " + commonName, e);
        }
    }

    /** A leaf signed by {@code ca}, valid for TLS servers and clients alike, for these DNS names. */
    public static Issued leaf(Issued ca, String commonName, List<String> dnsNames, Instant now) {
        KeyPair keys = newKeyPair();
        X509Certificate caCertificate = certificate(ca.certificatePem());
        PrivateKey caKey = privateKey(ca.privateKeyPem());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            GeneralNames sans = new GeneralNames(dnsNames.stream()
                    .map(dns -> new GeneralName(GeneralName.dNSName, dns))
                    .toArray(GeneralName[]::new));
            X509v3CertificateBuilder builder = builder(
                            X500Name.getInstance(
                                    caCertificate.getSubjectX500Principal().getEncoded()),
                            name(commonName),
                            keys.getPublic(),
                            now,
                            LEAF_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                    }))
                    .addExtension(Extension.subjectAlternativeName, false, sans)
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            extensions.createAuthorityKeyIdentifier(caCertificate));
            return new Issued(pem(sign(builder, caKey)), pem(keys.getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not issue the gRPC certificate " + commonName, e);
        }
    }

    /** The first certificate of a PEM text. */
    public static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** A private key from PEM: PKCS#8, or the SEC1/PKCS#1 forms other tools write. */
    public static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException("not a PEM private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
    }

    /** The certificate and key if both parse, the key belongs to the certificate, and it is a CA's. */
    public static Optional<Issued> usableAuthority(String certificatePem, String privateKeyPem) {
        try {
            X509Certificate certificate = certificate(certificatePem);
            PrivateKey key = privateKey(privateKeyPem);
            if (certificate.getBasicConstraints() < 0 || !matches(certificate.getPublicKey(), key)) {
                return Optional.empty();
            }
            return Optional.of(new Issued(certificatePem, privateKeyPem));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a leaf can stay: it parses, {@code ca} signed it, its key is the one beside it, it names exactly these DNS
     * names and it is not yet due for renewal at {@code now}.
     */
    public static boolean leafStillGood(Issued leaf, Issued ca, List<String> dnsNames, Instant now) {
        try {
            X509Certificate certificate = certificate(leaf.certificatePem());
            certificate.verify(certificate(ca.certificatePem()).getPublicKey());
            return matches(certificate.getPublicKey(), privateKey(leaf.privateKeyPem()))
                    && dnsNames(certificate).equals(List.copyOf(dnsNames))
                    && !renewalDue(
                            certificate.getNotBefore().toInstant(),
                            certificate.getNotAfter().toInstant(),
                            now);
        } catch (RuntimeException | GeneralSecurityException e) {
            return false;
        }
    }

    /** The DNS SANs of a certificate, in order. */
    public static List<String> dnsNames(X509Certificate certificate) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            return names == null
                    ? List.of()
                    : names.stream()
                            .filter(n -> (Integer) n.get(0) == GeneralName.dNSName)
                            .map(n -> (String) n.get(1))
                            .toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
        try {
            String algorithm = publicKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "chis".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, PublicKey key, Instant now, Duration validity) {
        Instant notBefore = now.minus(BACKDATE);
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(notBefore),
                Date.from(notBefore.plus(validity)),
                subject,
                key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "chis")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make ECDSA P-256 keys", e);
        }
    }

    private static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return pem("CERTIFICATE", certificate.getEncoded());
    }

    private static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded()); // the JDK encodes private keys as PKCS#8
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
