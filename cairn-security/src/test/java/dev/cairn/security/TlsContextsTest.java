package dev.cairn.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes on loopback between the server and client contexts. */
class TlsContextsTest {
    final Clock clock = Clock.systemUTC();
    final ClusterCa ca = ClusterCa.create("prod", clock);
    @TempDir
    Path dir;
    SSLServerSocket server;
    /** What the server saw of each accepted connection: the client's CN, "anonymous", or the handshake error. */
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    TlsContexts.ServerTls serve(boolean allowTls12) {
        ClusterCa.Issued s = ca.issueServer("ctl-1", List.of("127.0.0.1", "localhost"), ClusterCa.SERVER_LIFETIME, clock);
        SecureFiles.writePublic(dir.resolve("server.crt"), Pem.bytes(s.certificate()));
        SecureFiles.writePrivate(dir.resolve("server.key"), Pem.bytes(s.key()));
        TlsContexts.ServerTls tls = TlsContexts.server(ReloadingKeyManager.fromFiles(dir.resolve("server.crt"), dir.resolve("server.key")),
                ca.certificate(), allowTls12);
        try {
            server = (SSLServerSocket) tls.context().getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SSLParameters p = tls.context().getDefaultSSLParameters();
        p.setWantClientAuth(true);
        p.setProtocols(tls.protocols().toArray(String[]::new));
        server.setSSLParameters(p);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (SSLSocket conn = (SSLSocket) server.accept()) {
                    try {
                        conn.startHandshake();
                        String who;
                        try {
                            who = ClusterCa.commonName((X509Certificate) conn.getSession().getPeerCertificates()[0]);
                        } catch (SSLPeerUnverifiedException e) {
                            who = "anonymous";
                        }
                        seen.add(who);
                        conn.getOutputStream().write(1);
                        conn.getOutputStream().flush();
                    } catch (IOException e) {
                        seen.add("failed: " + e.getMessage());
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return tls;
    }

    /** Connects, handshakes, reads the server's byte; returns the server certificate the client saw. */
    X509Certificate connect(SSLContext client, String... protocols) throws IOException {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (protocols.length > 0) p.setProtocols(protocols);
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
            if (s.getInputStream().read() != 1) throw new IOException("the server closed the connection");
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    String serverSaw() throws InterruptedException {
        String s = seen.poll(10, TimeUnit.SECONDS);
        if (s == null) throw new AssertionError("the server saw no connection");
        return s;
    }

    NodeIdentity node(ClusterCa by, String name) {
        NodeIdentity.Request r = NodeIdentity.request(name);
        return new NodeIdentity(name, r.keys().getPrivate(), by.signNode(r.csrPem(), name, ClusterCa.NODE_LIFETIME, clock), ca.certificate());
    }

    @Test
    void aClientTrustingTheCaConnectsAnonymouslyOrWithItsNodeCertificate() throws Exception {
        TlsContexts.ServerTls tls = serve(false);
        assertEquals(tls.keys().certificate(), connect(TlsContexts.client(ca.certificate())));
        assertEquals("anonymous", serverSaw());
        connect(TlsContexts.client(ca.certificate(), ReloadingKeyManager.of(node(ca, "node-1"))));
        assertEquals("node-1", serverSaw());
    }

    @Test
    void aClientCertificateFromAnotherCaFailsTheHandshake() throws Exception {
        serve(false);
        ClusterCa other = ClusterCa.create("other", clock);
        SSLContext impostor = TlsContexts.client(ca.certificate(), ReloadingKeyManager.of(node(other, "node-1")));
        assertThrows(IOException.class, () -> connect(impostor));
        assertTrue(serverSaw().startsWith("failed"), "the server refused the handshake");
    }

    @Test
    void aServerCertificateFromAnotherCaIsNotTrusted() {
        serve(false);
        ClusterCa other = ClusterCa.create("other", clock);
        assertThrows(SSLException.class, () -> connect(TlsContexts.client(other.certificate())));
    }

    @Test
    void aControllerCertificateCannotAuthenticateAsAClient() throws Exception {
        serve(false);
        ClusterCa.Issued ctl = ca.issueServer("node-1", List.of("localhost"), ClusterCa.SERVER_LIFETIME, clock);
        SSLContext c = TlsContexts.client(ca.certificate(), ReloadingKeyManager.of(List.of(ctl.certificate()), ctl.key()));
        assertThrows(IOException.class, () -> connect(c));
        assertTrue(serverSaw().startsWith("failed"), "serverAuth-only certificates are not client certificates");
    }

    @Test
    void tls12IsRefusedUnlessAllowed() throws Exception {
        serve(false);
        assertThrows(SSLException.class, () -> connect(TlsContexts.client(ca.certificate()), "TLSv1.2"));
        assertTrue(serverSaw().startsWith("failed"));
        server.close();
        serve(true);
        connect(TlsContexts.client(ca.certificate()), "TLSv1.2");
        assertEquals("anonymous", serverSaw());
    }

    @Test
    void theServerCertificateIsReloadedFromItsFilesWithoutRestarting() throws Exception {
        TlsContexts.ServerTls tls = serve(false);
        SSLContext client = TlsContexts.client(ca.certificate());
        X509Certificate first = connect(client);
        serverSaw();
        assertTrue(!tls.keys().reloadIfChanged(), "nothing changed yet");

        ClusterCa.Issued next = ca.issueServer("ctl-1", List.of("127.0.0.1"), Duration.ofDays(2), clock);
        SecureFiles.writePublic(dir.resolve("server.crt"), Pem.bytes(next.certificate()));
        SecureFiles.writePrivate(dir.resolve("server.key"), Pem.bytes(next.key()));
        tls.keys().reload();
        X509Certificate second = connect(TlsContexts.client(ca.certificate()));
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertEquals(next.certificate(), second);

        // a broken file keeps the working certificate
        SecureFiles.writePrivate(dir.resolve("server.key"), Pem.bytes(ca.privateKey()));
        assertThrows(dev.cairn.core.CairnException.class, () -> tls.keys().reload());
        assertEquals(next.certificate(), connect(TlsContexts.client(ca.certificate())));
    }
}
