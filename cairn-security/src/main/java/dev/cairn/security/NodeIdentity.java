package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A node's identity: its name, private key, the certificate the cluster CA signed for it, and the
 * CA certificate. Kept in the agent's data directory as {@code node.key}, {@code node.crt} (both
 * 0600) and {@code ca.crt}; the agent renews the certificate once {@link #renewalDue} (two thirds
 * of its lifetime have passed).
 */
public record NodeIdentity(String name, PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    public static final String KEY_FILE = "node.key";
    public static final String CERT_FILE = "node.crt";
    public static final String CA_FILE = "ca.crt";

    /** A pending request: the new key pair and the PEM certificate request to send with the join token. */
    public record Request(String name, KeyPair keys, String csrPem) {
        /** The identity once the CA has signed {@link #csrPem()}. */
        public NodeIdentity accept(X509Certificate signed, X509Certificate ca, Instant now) {
            NodeIdentity id = new NodeIdentity(name, keys.getPrivate(), signed, ca);
            id.check(now);
            return id;
        }
    }

    /** Makes a new key pair and a PKCS#10 request with subject {@code CN=<name>}. */
    public static Request request(String name) {
        Names.requireNode(name);
        KeyPair kp = ClusterCa.newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
        try {
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(subject, kp.getPublic())
                    .build(new JcaContentSignerBuilder(ClusterCa.SIGNATURE).build(kp.getPrivate()));
            return new Request(name, kp, Pem.encode(csr));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request", e);
        }
    }

    /**
     * Checks that the certificate belongs to the key, names this node, was issued by the CA and is
     * valid at {@code now}.
     */
    public void check(Instant now) {
        if (!ClusterCa.matches(certificate.getPublicKey(), key)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the certificate of node '" + name + "' does not belong to its key",
                    "remove node.crt and node.key and join again with a new token");
        }
        String cn = ClusterCa.commonName(certificate);
        if (!name.equals(cn)) {
            throw new CairnException(ErrorCode.FORBIDDEN, "the certificate is for node '" + cn + "', not '" + name + "'",
                    "start the agent with --name " + cn + ", or join again as '" + name + "' with a new token");
        }
        ClusterCa.verifyIssued(ca, certificate, now, "the certificate of node '" + name + "'");
    }

    /** Saves the identity in {@code dataDir}: key and certificate 0600, CA certificate 0644. */
    public void save(Path dataDir) {
        SecureFiles.writePublic(dataDir.resolve(CA_FILE), Pem.bytes(ca));
        SecureFiles.writePrivate(dataDir.resolve(KEY_FILE), Pem.bytes(key));
        SecureFiles.writePrivate(dataDir.resolve(CERT_FILE), Pem.bytes(certificate));
    }

    /** Whether {@code dataDir} holds a saved identity (a node that joined before needs no token). */
    public static boolean exists(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(CERT_FILE)) && Files.isRegularFile(dataDir.resolve(KEY_FILE));
    }

    /** Loads and {@link #check checks} the identity saved in {@code dataDir}. */
    public static NodeIdentity load(Path dataDir, Instant now) {
        String hint = "join the cluster first: cairn agent --join TOKEN --ca-hash sha256:… --data " + dataDir;
        X509Certificate cert = Pem.certificate(text(dataDir.resolve(CERT_FILE), "node certificate", hint), "node certificate " + dataDir.resolve(CERT_FILE));
        PrivateKey key = Pem.privateKey(text(dataDir.resolve(KEY_FILE), "node key", hint), "node key " + dataDir.resolve(KEY_FILE));
        X509Certificate ca = Pem.certificate(text(dataDir.resolve(CA_FILE), "CA certificate", hint), "CA certificate " + dataDir.resolve(CA_FILE));
        String name = ClusterCa.commonName(cert);
        if (name == null) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "node certificate " + dataDir.resolve(CERT_FILE) + " names no node (no single CN)", hint);
        }
        NodeIdentity id = new NodeIdentity(name, key, cert, ca);
        id.check(now);
        return id;
    }

    private static String text(Path p, String what, String hint) {
        return new String(SecureFiles.read(p, what, hint), StandardCharsets.UTF_8);
    }

    /** When renewal is due: two thirds of the way from notBefore to notAfter. */
    public Instant renewAt() {
        Instant from = certificate.getNotBefore().toInstant();
        Instant to = certificate.getNotAfter().toInstant();
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    public boolean renewalDue(Instant now) {
        return !now.isBefore(renewAt());
    }

    public Instant expires() {
        return certificate.getNotAfter().toInstant();
    }
}
