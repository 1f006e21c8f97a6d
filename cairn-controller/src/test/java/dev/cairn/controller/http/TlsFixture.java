package dev.cairn.controller.http;

import dev.cairn.security.ClusterCa;
import dev.cairn.security.NodeIdentity;
import dev.cairn.security.Pem;
import dev.cairn.security.ReloadingKeyManager;
import dev.cairn.security.SecureFiles;
import dev.cairn.security.TlsContexts;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;

/** A cluster CA, a server certificate for 127.0.0.1 in files, and client contexts for tests. */
final class TlsFixture {
    final Clock clock = Clock.systemUTC();
    final ClusterCa ca = ClusterCa.create("test", clock);
    final Path dir;
    final TlsContexts.ServerTls serverTls;

    TlsFixture(Path dir, boolean allowTls12) {
        this.dir = dir;
        writeServerCertificate(Duration.ofDays(1));
        serverTls = TlsContexts.server(ReloadingKeyManager.fromFiles(dir.resolve("server.crt"), dir.resolve("server.key")), ca.certificate(), allowTls12);
    }

    /** Issues a new server certificate into the files the server reads; returns it. */
    java.security.cert.X509Certificate writeServerCertificate(Duration lifetime) {
        ClusterCa.Issued s = ca.issueServer("ctl-1", List.of("127.0.0.1", "localhost"), lifetime, clock);
        SecureFiles.writePublic(dir.resolve("server.crt"), Pem.bytes(s.certificate()));
        SecureFiles.writePrivate(dir.resolve("server.key"), Pem.bytes(s.key()));
        return s.certificate();
    }

    NodeIdentity node(ClusterCa by, String name) {
        NodeIdentity.Request r = NodeIdentity.request(name);
        return r.accept(by.signNode(r.csrPem(), name, ClusterCa.NODE_LIFETIME, clock), by.certificate(), clock.instant());
    }

    SSLContext anonymous() {
        return TlsContexts.client(ca.certificate());
    }

    SSLContext as(String node) {
        return TlsContexts.client(ca.certificate(), ReloadingKeyManager.of(node(ca, node)));
    }

    SSLContext asForeign(String node) {
        return TlsContexts.client(ca.certificate(), (X509KeyManager) ReloadingKeyManager.of(node(ClusterCa.create("other", clock), node)));
    }

    /**
     * A client context that counts the TLS connections made with it: the JDK HTTP client creates
     * one SSLEngine per connection, so the count is the number of handshakes.
     */
    static final class Counting extends SSLContext {
        final AtomicInteger engines;

        Counting(SSLContext delegate) {
            this(delegate, new AtomicInteger());
        }

        private Counting(SSLContext delegate, AtomicInteger engines) {
            super(new Spi(delegate, engines), delegate.getProvider(), delegate.getProtocol());
            this.engines = engines;
        }

        private static final class Spi extends SSLContextSpi {
            final SSLContext d;
            final AtomicInteger engines;

            Spi(SSLContext d, AtomicInteger engines) {
                this.d = d;
                this.engines = engines;
            }

            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
                throw new UnsupportedOperationException();
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return d.getSocketFactory();
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                return d.getServerSocketFactory();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                engines.incrementAndGet();
                return d.createSSLEngine();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                engines.incrementAndGet();
                return d.createSSLEngine(host, port);
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                return d.getServerSessionContext();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                return d.getClientSessionContext();
            }

            @Override
            protected SSLParameters engineGetDefaultSSLParameters() {
                return d.getDefaultSSLParameters();
            }

            @Override
            protected SSLParameters engineGetSupportedSSLParameters() {
                return d.getSupportedSSLParameters();
            }
        }
    }

    static Socket connect(int port) throws java.io.IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(15_000);
        return s;
    }
}
