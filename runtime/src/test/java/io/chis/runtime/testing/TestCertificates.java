package io.chis.runtime.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway PEM files in a directory: a CA ({@code ca.pem}) and one certificate it signed for {@code localhost} and
 * {@code 127.0.0.1} ({@code cert.pem}, {@code key.pem}), fit for a server and a client alike, as the operator issues
 * them to every role.
 */
public final class TestCertificates {

    public final Path ca;
    public final Path cert;
    public final Path key;

    private TestCertificates(Path dir) {
        this.ca = dir.resolve("ca.pem");
        this.cert = dir.resolve("cert.pem");
        this.key = dir.resolve("key.pem");
    }

    /** A fresh CA and a certificate it signed. */
    public static TestCertificates create() {
        try {
            TestCertificates files = new TestCertificates(Files.createTempDirectory("chis-test-tls"));
            KeyPair caKeys = keys();
            X509CertificateHolder caCert = sign(new X500Name("CN=chis-test-ca"), caKeys, caKeys, null, true);
            KeyPair leafKeys = keys();
            X509CertificateHolder leaf = sign(new X500Name("CN=chis-test-ca"), caKeys, leafKeys, "localhost", false);
            Files.writeString(files.ca, pem(caCert));
            Files.writeString(files.cert, pem(leaf));
            Files.writeString(files.key, pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null)));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder sign(
            X500Name issuer, KeyPair issuerKeys, KeyPair subjectKeys, String host, boolean ca)
            throws IOException, OperatorCreationException {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                ca ? issuer : new X500Name("CN=" + host),
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, host), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof JcaPKCS8Generator pkcs8) writer.writeObject(pkcs8);
            else writer.writeObject(new JcaMiscPEMGenerator(object));
        }
        return text.toString();
    }
}
