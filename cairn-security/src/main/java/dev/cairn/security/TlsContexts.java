package dev.cairn.security;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The TLS contexts of Cairn's connections. Both sides trust only the cluster CA (never the JDK's
 * public CAs). TLS 1.3 only by default; {@code allowTls12} adds TLS 1.2 for clients that lack 1.3.
 */
public final class TlsContexts {
    public static final List<String> TLS13 = List.of("TLSv1.3");
    public static final List<String> TLS13_AND_12 = List.of("TLSv1.3", "TLSv1.2");

    private TlsContexts() {}

    /**
     * A server's TLS: the context, the protocols to enable, and the key manager whose certificate
     * can be replaced without a restart. Client certificates are asked for, not required (users
     * authenticate with tokens, agents with certificates); one that is presented must chain to the
     * cluster CA and carry the clientAuth extended key usage, or the handshake fails.
     */
    public record ServerTls(SSLContext context, List<String> protocols, ReloadingKeyManager keys) {
        public ServerTls {
            protocols = List.copyOf(protocols);
        }
    }

    public static ServerTls server(ReloadingKeyManager keys, X509Certificate ca, boolean allowTls12) {
        return new ServerTls(context(new KeyManager[] {keys}, ca), allowTls12 ? TLS13_AND_12 : TLS13, keys);
    }

    /** A client context trusting only {@code ca}, presenting {@code clientKeys} when given (agents), else no certificate. */
    public static SSLContext client(X509Certificate ca, X509KeyManager clientKeys) {
        return context(clientKeys == null ? null : new KeyManager[] {clientKeys}, ca);
    }

    public static SSLContext client(X509Certificate ca) {
        return client(ca, null);
    }

    private static SSLContext context(KeyManager[] keys, X509Certificate ca) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("cairn-cluster-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            TrustManager[] tms = tmf.getTrustManagers();
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, tms, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }
}
