package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM encoding of certificates, private keys (PKCS#8) and certificate requests (PKCS#10). */
public final class Pem {
    private Pem() {}

    public static String encode(Object value) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(value instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : value);
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding failed", e);
        }
        return out.toString();
    }

    public static byte[] bytes(Object value) {
        return encode(value).getBytes(StandardCharsets.UTF_8);
    }

    /** All certificates in a PEM text, in order; {@code what} names the source in errors. */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> certs = new ArrayList<>();
        for (Object o : objects(pem, what)) {
            if (o instanceof X509CertificateHolder h) {
                try {
                    certs.add(new JcaX509CertificateConverter().getCertificate(h));
                } catch (CertificateException e) {
                    throw bad(what, "a certificate in it cannot be decoded: " + e.getMessage());
                }
            }
        }
        if (certs.isEmpty()) throw bad(what, "it holds no PEM certificate");
        return certs;
    }

    public static X509Certificate certificate(String pem, String what) {
        return certificates(pem, what).get(0);
    }

    public static PrivateKey privateKey(String pem, String what) {
        for (Object o : objects(pem, what)) {
            try {
                if (o instanceof PrivateKeyInfo info) return new JcaPEMKeyConverter().getPrivateKey(info);
                if (o instanceof PEMKeyPair pair) return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
            } catch (IOException e) {
                throw bad(what, "its private key cannot be decoded: " + e.getMessage());
            }
        }
        throw bad(what, "it holds no unencrypted PEM private key");
    }

    public static PKCS10CertificationRequest csr(String pem, String what) {
        for (Object o : objects(pem, what)) {
            if (o instanceof PKCS10CertificationRequest r) return r;
        }
        throw bad(what, "it holds no PEM certificate request (CERTIFICATE REQUEST)");
    }

    private static List<Object> objects(String pem, String what) {
        if (pem == null || pem.isBlank()) throw bad(what, "it is empty");
        List<Object> all = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) all.add(o);
        } catch (IOException | RuntimeException e) {
            throw bad(what, "it is not valid PEM: " + e.getMessage());
        }
        return all;
    }

    private static CairnException bad(String what, String why) {
        return new CairnException(ErrorCode.INVALID_INPUT, what + " is unusable: " + why,
                "give a PEM file as written by Cairn (BEGIN CERTIFICATE / PRIVATE KEY / CERTIFICATE REQUEST)");
    }
}
