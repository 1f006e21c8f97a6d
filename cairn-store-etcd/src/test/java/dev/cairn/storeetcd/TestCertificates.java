package dev.cairn.storeetcd;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away CA and certificates signed by it, written as PEM files (keys in PKCS#8) the way
 * an operator hands them to etcd and to Cairn: a server certificate for 127.0.0.1 and a client
 * certificate.
 */
final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Issued(Path cert, Path key, X509Certificate certificate, KeyPair keys) {}

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final X500Name caName;
    final Path caCert;

    TestCertificates(Path dir, String name) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.caKeys = keyPair();
        this.caName = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = builder(caName, caName, caKeys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.ca = sign(b, caKeys);
        this.caCert = write(name + "-ca.pem", "CERTIFICATE", ca.getEncoded());
    }

    /** A server certificate for 127.0.0.1 and localhost. */
    Issued server(String name) throws Exception {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder b = builder(new X500Name("CN=" + name), caName, keys);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        return issue(name, b, keys);
    }

    /** A client certificate. */
    Issued client(String name) throws Exception {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder b = builder(new X500Name("CN=" + name), caName, keys);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return issue(name, b, keys);
    }

    /** An SSL context that trusts this CA and presents {@code client}: for the tests' own health checks. */
    SSLContext sslContext(Issued client) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", client.keys().getPrivate(), new char[0], new X509Certificate[] {client.certificate(), ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
        return ctx;
    }

    private Issued issue(String name, X509v3CertificateBuilder b, KeyPair keys) throws Exception {
        X509Certificate cert = sign(b, caKeys);
        Path certFile = write(name + ".pem", "CERTIFICATE", cert.getEncoded());
        Path keyFile = write(name + "-key.pem", "PRIVATE KEY", keys.getPrivate().getEncoded());
        return new Issued(certFile, keyFile, cert, keys);
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name subject, X500Name issuer, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private Path write(String file, String type, byte[] der) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new PemObject(type, der));
        }
        Path p = dir.resolve(file);
        Files.writeString(p, out.toString());
        return p;
    }
}
