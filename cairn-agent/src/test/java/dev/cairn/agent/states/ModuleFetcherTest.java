package dev.cairn.agent.states;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import dev.cairn.states.sign.PublishedModule;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URL modules fetched over https on loopback (a self-signed certificate made with the JDK's keytool). */
class ModuleFetcherTest {
    @TempDir
    static Path tmp;

    static HttpsServer server;
    static SSLContext trusting;
    static final Map<String, byte[]> served = new ConcurrentHashMap<>();
    static final Map<String, Integer> status = new ConcurrentHashMap<>();

    @BeforeAll
    static void up() throws Exception {
        Path ks = tmp.resolve("server.p12");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path keytool = Path.of(java).resolveSibling("keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "modules", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverCtx));
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] b = served.get(path);
            int code = status.getOrDefault(path, b == null ? 404 : 200);
            if (code != 200 || b == null) {
                ex.sendResponseHeaders(code, -1);
            } else {
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void down() {
        if (server != null) server.stop(0);
    }

    static String url(String path) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static ModuleFetcher fetcher() {
        HttpClient http = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(10)).build();
        // the controller client is not used for URL modules; nothing listens there
        return new ModuleFetcher(new ApiClient("http://127.0.0.1:1"), http);
    }

    static PublishedModule urlModule(String path) {
        return new PublishedModule("m", PublishedModule.URL, url(path), null, null, List.of(), null);
    }

    @Test
    void theExecutableAndItsSignatureComeFromTheUrlAndUrlDotSig() {
        byte[] exe = "#!/bin/sh\necho '{\"result\":true}'\n".getBytes(StandardCharsets.UTF_8);
        served.put("/a/m", exe);
        served.put("/a/m.sig", "c2lnbmF0dXJl\n".getBytes(StandardCharsets.US_ASCII));
        ModuleFetcher.Fetched f = fetcher().fetch(urlModule("/a/m"));
        assertArrayEquals(exe, f.bytes());
        assertEquals("c2lnbmF0dXJl\n", f.signature());
    }

    @Test
    void noSignatureBesideItMeansUnsignedAndAnyOtherFailureIsAnError() {
        served.put("/b/m", "x".getBytes(StandardCharsets.UTF_8));
        assertNull(fetcher().fetch(urlModule("/b/m")).signature());

        served.put("/c/m", "x".getBytes(StandardCharsets.UTF_8));
        status.put("/c/m.sig", 500);
        CairnException sig = assertThrows(CairnException.class, () -> fetcher().fetch(urlModule("/c/m")));
        assertTrue(sig.getMessage().contains("/c/m.sig answered HTTP 500"), sig.getMessage());

        CairnException missing = assertThrows(CairnException.class, () -> fetcher().fetch(urlModule("/d/m")));
        assertTrue(missing.getMessage().contains("/d/m answered HTTP 404"), missing.getMessage());
    }

    @Test
    void anHttpsServerTheNodeDoesNotTrustIsNotFetchedFrom() {
        served.put("/e/m", "x".getBytes(StandardCharsets.UTF_8));
        CairnException e = assertThrows(CairnException.class, () -> new ModuleFetcher(new ApiClient("http://127.0.0.1:1")).fetch(urlModule("/e/m")));
        assertTrue(e.getMessage().startsWith("cannot fetch " + url("/e/m")), e.getMessage());
    }
}
