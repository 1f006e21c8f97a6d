package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The cluster's certificate authority: an ECDSA P-256 key and a self-signed, long-lived CA
 * certificate. It issues controller (server) certificates with their host names and addresses,
 * and signs nodes' certificate requests into short-lived client certificates whose subject CN is
 * the node name.
 *
 * <p>Its hash, {@code sha256:HEX}, is the SHA-256 of the CA certificate's DER-encoded
 * SubjectPublicKeyInfo (as Kubernetes' {@code --discovery-token-ca-cert-hash}), so it stays the
 * same if the CA certificate is re-issued for the same key. An agent joining with
 * {@code --ca-hash} checks the controller's CA against it before it sends anything.
 *
 * <p>Certificates start {@link #BACKDATE} before they are issued, so a node whose clock is a
 * little behind does not see a new certificate as not yet valid.
 */
public final class ClusterCa {
    public static final String KEY_FILE = "ca.key";
    public static final String CERT_FILE = "ca.crt";
    public static final Duration CA_LIFETIME = Duration.ofDays(3650);
    public static final Duration SERVER_LIFETIME = Duration.ofDays(365);
    public static final Duration NODE_LIFETIME = Duration.ofDays(30);
    public static final Duration BACKDATE = Duration.ofMinutes(5);
    /** Organisation of node certificates; controllers' are {@link #CONTROLLER_ORG}. */
    public static final String NODE_ORG = "cairn-node";
    public static final String CONTROLLER_ORG = "cairn-controller";
    static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ClusterCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {}

    /** Creates a new CA named after the cluster, valid for {@link #CA_LIFETIME}. */
    public static ClusterCa create(String clusterName, Clock clock) {
        return create(clusterName, clock, CA_LIFETIME);
    }

    public static ClusterCa create(String clusterName, Clock clock, Duration lifetime) {
        KeyPair kp = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Cairn")
                .addRDN(BCStyle.CN, "Cairn cluster CA " + clusterName).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            Instant now = clock.instant();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(lifetime)), subject, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(kp.getPublic()));
            return new ClusterCa(sign(b, kp.getPrivate()), kp.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    /** A CA from its certificate and key, which must belong together. */
    public static ClusterCa of(X509Certificate certificate, PrivateKey key) {
        if (certificate.getBasicConstraints() < 0) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "certificate " + certificate.getSubjectX500Principal().getName()
                    + " is not a CA certificate", "give the cluster CA's ca.crt");
        }
        if (!matches(certificate.getPublicKey(), key)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the CA key does not belong to the CA certificate "
                    + certificate.getSubjectX500Principal().getName(), "give ca.key and ca.crt from the same CA directory");
        }
        return new ClusterCa(certificate, key);
    }

    /** Saves {@code ca.key} (0600) and {@code ca.crt} (0644) in {@code dir}. */
    public void save(Path dir) {
        SecureFiles.writePrivate(dir.resolve(KEY_FILE), Pem.bytes(key));
        SecureFiles.writePublic(dir.resolve(CERT_FILE), Pem.bytes(certificate));
    }

    /** Loads the CA saved in {@code dir}. */
    public static ClusterCa load(Path dir) {
        String hint = "point --ca-dir at the cluster CA's directory (ca.key, ca.crt), or initialise one with 'cairn controller --init'";
        String crt = new String(SecureFiles.read(dir.resolve(CERT_FILE), "CA certificate", hint), StandardCharsets.UTF_8);
        String k = new String(SecureFiles.read(dir.resolve(KEY_FILE), "CA key", hint), StandardCharsets.UTF_8);
        return of(Pem.certificate(crt, "CA certificate " + dir.resolve(CERT_FILE)), Pem.privateKey(k, "CA key " + dir.resolve(KEY_FILE)));
    }

    public X509Certificate certificate() { return certificate; }

    public PrivateKey privateKey() { return key; }

    /** {@code sha256:HEX} of this CA certificate's SubjectPublicKeyInfo. */
    public String hash() { return hash(certificate); }

    /** {@code sha256:HEX} of the DER SubjectPublicKeyInfo of {@code ca}. */
    public static String hash(X509Certificate ca) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks that {@code ca} has the expected hash (as printed by {@code cairn token create --join}). */
    public static void verifyHash(X509Certificate ca, String expected) {
        String want = expected == null ? "" : expected.trim().toLowerCase(Locale.ROOT);
        if (!HASH.matcher(want).matches()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "CA hash '" + expected + "' is not of the form sha256:<64 hex digits>",
                    "copy the caHash printed by 'cairn token create --join'");
        }
        String actual = hash(ca);
        if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII), want.getBytes(StandardCharsets.US_ASCII))) {
            throw new CairnException(ErrorCode.FORBIDDEN, "the controller's CA (" + actual + ") does not match the expected " + want,
                    "check --ca-hash against 'cairn token create --join' on the cluster; a mismatch can mean a different controller answered");
        }
    }

    /**
     * A server certificate for a controller: subject CN {@code name}, extended key usage
     * serverAuth, and each of {@code sans} as an IP address SAN when it is an IP literal and as a
     * DNS SAN otherwise (the controller passes its host names, addresses and {@code --san} extras).
     */
    public Issued issueServer(String name, Collection<String> sans, Duration lifetime, Clock clock) {
        if (name == null || name.isBlank()) throw new CairnException(ErrorCode.INVALID_INPUT, "a controller certificate needs a name", "give the controller id");
        List<GeneralName> names = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String san : sans) {
            String s = san == null ? "" : san.trim();
            if (!seen.add(s.toLowerCase(Locale.ROOT))) continue;
            names.add(generalName(s));
        }
        if (names.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "a controller certificate needs at least one host name or address",
                    "pass the addresses clients use, e.g. --san controller-1.example.com");
        }
        KeyPair kp = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, CONTROLLER_ORG).addRDN(BCStyle.CN, name).build();
        try {
            X509v3CertificateBuilder b = leaf(subject, kp.getPublic(), lifetime, clock)
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            return new Issued(sign(b, key), kp.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a server certificate", e);
        }
    }

    private static GeneralName generalName(String s) {
        if (looksLikeIp(s)) {
            try {
                return new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(s).getAddress()));
            } catch (UnknownHostException e) {
                // not an address after all: fall through to the DNS check
            }
        }
        String dns = s.toLowerCase(Locale.ROOT);
        if (!dns.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*") || dns.length() > 253) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "'" + s + "' is neither an IP address nor a DNS name",
                    "give --san a host name (controller-1.example.com) or an address (10.0.0.5, ::1)");
        }
        return new GeneralName(GeneralName.dNSName, dns);
    }

    private static boolean looksLikeIp(String s) {
        return s.matches("[0-9.]+") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    }

    /**
     * Signs a node's certificate request into a client certificate for {@code allowedName}: the
     * request must be validly self-signed, its subject exactly {@code CN=<allowedName>}, and its
     * key ECDSA (P-256/P-384), Ed25519 or RSA of at least 2048 bits. The certificate has extended
     * key usage clientAuth only and subject {@code O=cairn-node, CN=<name>}.
     */
    public X509Certificate signNode(PKCS10CertificationRequest csr, String allowedName, Duration lifetime, Clock clock) {
        Names.requireNode(allowedName);
        String requested = commonName(csr.getSubject());
        if (requested == null) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the certificate request's subject " + csr.getSubject() + " is not a single CN",
                    "let the agent create the request (its subject is CN=<node name>)");
        }
        if (!requested.equals(allowedName)) {
            throw new CairnException(ErrorCode.FORBIDDEN, "the certificate request is for node '" + requested + "', but only '"
                    + allowedName + "' is allowed here", "start the agent with --name " + allowedName + ", or use a token for '" + requested + "'");
        }
        PublicKey pub;
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            pub = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "the certificate request for '" + requested + "' has an invalid signature",
                        "the request was changed after it was made; let the agent make a new one");
            }
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the certificate request for '" + requested + "' cannot be checked: " + e.getMessage(),
                    "let the agent make a new one");
        }
        checkKey(pub);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, NODE_ORG).addRDN(BCStyle.CN, allowedName).build();
        try {
            X509v3CertificateBuilder b = leaf(subject, pub, lifetime, clock)
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return sign(b, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot sign a node certificate", e);
        }
    }

    /** {@link #signNode(PKCS10CertificationRequest, String, Duration, Clock)} from PEM. */
    public X509Certificate signNode(String csrPem, String allowedName, Duration lifetime, Clock clock) {
        return signNode(Pem.csr(csrPem, "the certificate request"), allowedName, lifetime, clock);
    }

    /**
     * Checks that {@code cert} was issued by this CA and is valid at {@code now}; {@code what}
     * names it in the error.
     */
    public void verify(X509Certificate cert, Instant now, String what) {
        verifyIssued(certificate, cert, now, what);
    }

    static void verifyIssued(X509Certificate ca, X509Certificate cert, Instant now, String what) {
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CairnException(ErrorCode.FORBIDDEN, what + " (" + cert.getSubjectX500Principal().getName()
                    + ") was not issued by this cluster's CA", "join the node again with a token from this cluster");
        }
        checkValidity(cert, now, what);
    }

    /** Fails with a one-line error when {@code cert} is not valid at {@code now}. */
    public static void checkValidity(X509Certificate cert, Instant now, String what) {
        Instant from = cert.getNotBefore().toInstant();
        Instant to = cert.getNotAfter().toInstant();
        if (now.isBefore(from)) {
            throw new CairnException(ErrorCode.FORBIDDEN, what + " is not valid before " + from + " (it is now " + now + ")",
                    "check this machine's clock (NTP), or issue a new certificate");
        }
        if (now.isAfter(to)) {
            throw new CairnException(ErrorCode.FORBIDDEN, what + " expired at " + to + " (it is now " + now + ")",
                    "renew it, or join the node again with a new token ('cairn token create --join')");
        }
    }

    /** The single CN of a subject, or null when the subject is anything else. */
    static String commonName(X500Name subject) {
        RDN[] rdns = subject.getRDNs();
        if (rdns.length != 1 || rdns[0].isMultiValued() || !rdns[0].getFirst().getType().equals(BCStyle.CN)) return null;
        ASN1Encodable v = rdns[0].getFirst().getValue();
        return IETFUtils.valueToString(v);
    }

    /** The CN of a certificate's subject (the node name of a node certificate), or null. */
    public static String commonName(X509Certificate cert) {
        X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        return cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
    }

    private static void checkKey(PublicKey pub) {
        boolean ok = switch (pub) {
            case ECPublicKey ec -> ec.getParams().getCurve().getField().getFieldSize() >= 256;
            case RSAPublicKey rsa -> rsa.getModulus().bitLength() >= 2048;
            default -> pub.getAlgorithm().equals("Ed25519") || pub.getAlgorithm().equals("EdDSA");
        };
        if (!ok) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the certificate request's " + pub.getAlgorithm() + " key is too weak",
                    "use ECDSA P-256 (what the agent makes), Ed25519 or RSA of at least 2048 bits");
        }
    }

    private X509v3CertificateBuilder leaf(X500Name subject, PublicKey pub, Duration lifetime, Clock clock) throws GeneralSecurityException, CertIOException {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "certificate lifetime " + lifetime + " must be positive", "give a lifetime such as 30d");
        }
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        Instant now = clock.instant();
        Instant notAfter = now.plus(lifetime);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) notAfter = certificate.getNotAfter().toInstant();
        return new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, pub)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws CertificateException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign", e);
        }
    }

    /** A positive random serial of 159 bits (at most 20 octets, as RFC 5280 allows). */
    private static BigInteger serial() {
        return new BigInteger(159, RANDOM).setBit(0);
    }

    /** A new ECDSA P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is not available", e);
        }
    }

    /** Whether {@code key} is the private half of {@code pub} (signs and verifies a challenge). */
    static boolean matches(PublicKey pub, PrivateKey key) {
        if (!pub.getAlgorithm().equals(key.getAlgorithm())) return false;
        try {
            String alg = switch (pub.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> pub.getAlgorithm();
            };
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
