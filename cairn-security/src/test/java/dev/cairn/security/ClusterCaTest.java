package dev.cairn.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCaTest {
    static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    @Test
    void createSaveAndLoadKeepTheSameCaWithAPrivateKeyFile() throws Exception {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        X509Certificate c = ca.certificate();
        assertEquals(0, c.getBasicConstraints(), "a CA that may sign leaf certificates only");
        assertTrue(c.getKeyUsage()[5], "keyCertSign");
        assertEquals("EC", c.getPublicKey().getAlgorithm());
        c.verify(c.getPublicKey());
        assertEquals(T.plus(Duration.ofDays(3650)), c.getNotAfter().toInstant());
        assertTrue(c.getSubjectX500Principal().getName().contains("prod"), c.getSubjectX500Principal().getName());

        ca.save(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))));
        ClusterCa loaded = ClusterCa.load(dir);
        assertEquals(c, loaded.certificate());
        assertEquals(ca.hash(), loaded.hash());
    }

    @Test
    void hashIsSha256OfTheSubjectPublicKeyInfo() throws Exception {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        byte[] spki = new JcaX509CertificateHolder(ca.certificate()).getSubjectPublicKeyInfo().getEncoded();
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        assertEquals(expected, ca.hash());
        ClusterCa.verifyHash(ca.certificate(), expected.toUpperCase().replace("SHA256", "sha256"));
    }

    @Test
    void aWrongOrMalformedCaHashIsRefused() {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        ClusterCa other = ClusterCa.create("prod", CLOCK);
        CairnException wrong = assertThrows(CairnException.class, () -> ClusterCa.verifyHash(ca.certificate(), other.hash()));
        assertEquals(ErrorCode.FORBIDDEN, wrong.code());
        assertTrue(wrong.getMessage().contains("does not match") && wrong.getMessage().contains(other.hash()), wrong.getMessage());
        assertOneLineWithHint(wrong);
        CairnException malformed = assertThrows(CairnException.class, () -> ClusterCa.verifyHash(ca.certificate(), "md5:abc"));
        assertEquals(ErrorCode.INVALID_INPUT, malformed.code());
        assertOneLineWithHint(malformed);
    }

    @Test
    void serverCertificatesCarryDnsAndIpSansAndServerAuthOnly() throws Exception {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        ClusterCa.Issued s = ca.issueServer("ctl-1", List.of("127.0.0.1", "localhost", "::1", "Ctl-1.Example.com", "localhost"),
                ClusterCa.SERVER_LIFETIME, CLOCK);
        X509Certificate c = s.certificate();
        c.verify(ca.certificate().getPublicKey());
        Set<String> sans = c.getSubjectAlternativeNames().stream().map(l -> l.get(0) + "=" + l.get(1)).collect(Collectors.toSet());
        assertEquals(Set.of("7=127.0.0.1", "2=localhost", "7=0:0:0:0:0:0:0:1", "2=ctl-1.example.com"), sans);
        assertEquals(List.of(SERVER_AUTH), c.getExtendedKeyUsage());
        assertEquals(-1, c.getBasicConstraints());
        assertTrue(c.getKeyUsage()[0], "digitalSignature");
        assertFalse(c.getKeyUsage()[5], "no keyCertSign");
        assertEquals("ctl-1", ClusterCa.commonName(c));
        assertTrue(ClusterCa.matches(c.getPublicKey(), s.key()));
        assertEquals(T.minus(ClusterCa.BACKDATE), c.getNotBefore().toInstant());
        assertEquals(T.plus(Duration.ofDays(365)), c.getNotAfter().toInstant());
        // the AKI names the CA's SKI, so a chain can be built
        var holder = new JcaX509CertificateHolder(c);
        var caHolder = new JcaX509CertificateHolder(ca.certificate());
        assertArrayEquals(SubjectKeyIdentifier.fromExtensions(caHolder.getExtensions()).getKeyIdentifier(),
                AuthorityKeyIdentifier.fromExtensions(holder.getExtensions()).getKeyIdentifierOctets());
        assertNotNull(holder.getExtension(Extension.subjectKeyIdentifier));
        // serials are random
        assertNotEquals(c.getSerialNumber(), ca.issueServer("ctl-1", List.of("localhost"), ClusterCa.SERVER_LIFETIME, CLOCK).certificate().getSerialNumber());
        assertTrue(c.getSerialNumber().signum() > 0 && c.getSerialNumber().bitLength() <= 159);
    }

    @Test
    void aBadSanIsAClearError() {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        CairnException e = assertThrows(CairnException.class, () -> ca.issueServer("ctl-1", List.of("localhost", "not a host!"), ClusterCa.SERVER_LIFETIME, CLOCK));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("'not a host!'"), e.getMessage());
        assertOneLineWithHint(e);
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> ca.issueServer("ctl-1", List.of(), ClusterCa.SERVER_LIFETIME, CLOCK)).code());
    }

    @Test
    void aNodeRequestIsSignedIntoAShortLivedClientCertificate() throws Exception {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        NodeIdentity.Request req = NodeIdentity.request("node-1");
        X509Certificate c = ca.signNode(req.csrPem(), "node-1", ClusterCa.NODE_LIFETIME, CLOCK);
        c.verify(ca.certificate().getPublicKey());
        assertEquals("node-1", ClusterCa.commonName(c));
        assertTrue(c.getSubjectX500Principal().getName().contains("O=cairn-node"), c.getSubjectX500Principal().getName());
        assertEquals(List.of(CLIENT_AUTH), c.getExtendedKeyUsage());
        assertEquals(T.plus(Duration.ofDays(30)), c.getNotAfter().toInstant());
        assertEquals(req.keys().getPublic(), c.getPublicKey());
        assertEquals(-1, c.getBasicConstraints());
        // a shorter lifetime is a parameter
        assertEquals(T.plus(Duration.ofMinutes(1)), ca.signNode(req.csrPem(), "node-1", Duration.ofMinutes(1), CLOCK).getNotAfter().toInstant());
    }

    @Test
    void aRequestForAnotherNameIsRefused() {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        String csr = NodeIdentity.request("node-2").csrPem();
        CairnException e = assertThrows(CairnException.class, () -> ca.signNode(csr, "node-1", ClusterCa.NODE_LIFETIME, CLOCK));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertTrue(e.getMessage().contains("'node-2'") && e.getMessage().contains("'node-1'"), e.getMessage());
        assertOneLineWithHint(e);
        CairnException badName = assertThrows(CairnException.class, () -> ca.signNode(csr, "bad name!", ClusterCa.NODE_LIFETIME, CLOCK));
        assertEquals(ErrorCode.INVALID_NAME, badName.code());
    }

    @Test
    void aRequestWithAForeignSignatureOrExtraSubjectPartsOrGarbageIsRefused() throws Exception {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        KeyPair claimed = ClusterCa.newKeyPair();
        KeyPair signer = ClusterCa.newKeyPair();
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=node-1"), claimed.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
        CairnException sig = assertThrows(CairnException.class, () -> ca.signNode(forged, "node-1", ClusterCa.NODE_LIFETIME, CLOCK));
        assertEquals(ErrorCode.INVALID_INPUT, sig.code());
        assertTrue(sig.getMessage().contains("invalid signature"), sig.getMessage());

        PKCS10CertificationRequest admin = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=cairn-controller,CN=node-1"), claimed.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(claimed.getPrivate()));
        CairnException subject = assertThrows(CairnException.class, () -> ca.signNode(admin, "node-1", ClusterCa.NODE_LIFETIME, CLOCK));
        assertTrue(subject.getMessage().contains("not a single CN"), subject.getMessage());

        CairnException garbage = assertThrows(CairnException.class, () -> ca.signNode("hello", "node-1", ClusterCa.NODE_LIFETIME, CLOCK));
        assertEquals(ErrorCode.INVALID_INPUT, garbage.code());
        assertOneLineWithHint(garbage);
    }

    @Test
    void loadingAMissingOrMismatchedCaIsAClearError() {
        CairnException missing = assertThrows(CairnException.class, () -> ClusterCa.load(dir));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
        assertTrue(missing.getMessage().contains("ca.crt"), missing.getMessage());
        assertOneLineWithHint(missing);

        ClusterCa a = ClusterCa.create("a", CLOCK);
        ClusterCa b = ClusterCa.create("b", CLOCK);
        a.save(dir);
        SecureFiles.writePrivate(dir.resolve(ClusterCa.KEY_FILE), Pem.bytes(b.privateKey()));
        CairnException mismatch = assertThrows(CairnException.class, () -> ClusterCa.load(dir));
        assertEquals(ErrorCode.INVALID_INPUT, mismatch.code());
        assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());
        assertOneLineWithHint(mismatch);
    }

    static void assertOneLineWithHint(CairnException e) {
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertNotNull(e.hint(), "a hint for: " + e.getMessage());
        assertFalse(e.hint().isBlank());
    }
}
