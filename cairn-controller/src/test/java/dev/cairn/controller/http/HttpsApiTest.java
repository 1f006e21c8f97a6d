package dev.cairn.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.ApiClient;
import dev.cairn.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API server with TLS: HTTPS only, client certificates, reload, limits and streaming. */
class HttpsApiTest {
    @TempDir
    Path dir;
    TlsFixture tls;
    HttpApi api;
    final CountDownLatch releaseStream = new CountDownLatch(1);

    Router router() {
        Router r = new Router();
        r.get("/healthz", req -> Reply.ok(Map.of("status", "ok")));
        r.get("/whoami", req -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", req.peerNode().orElse("anonymous"));
            m.put("authorization", req.header("Authorization").orElse(""));
            return Reply.ok(m);
        });
        r.post("/echo", req -> Reply.ok(req.json()));
        r.get("/ticks", req -> new Reply.StreamReply(200, "text/event-stream", out -> {
            // a stream that outlives the idle timeout of the test below: one event every 300 ms for 3 s
            for (int i = 0; i < 10; i++) {
                out.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(300);
            }
        }));
        r.get("/events", req -> new Reply.StreamReply(200, "text/event-stream", out -> {
            out.write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            releaseStream.await(20, TimeUnit.SECONDS);
            out.write("data: 2\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }));
        return r;
    }

    HttpApi start(HttpConfig config) {
        api = HttpApi.start(config, router(), new SimpleMeterRegistry());
        return api;
    }

    HttpApi startTls() {
        tls = new TlsFixture(dir, false);
        return start(HttpConfig.plain("127.0.0.1", 0).withTls(tls.serverTls));
    }

    @AfterEach
    void stop() {
        releaseStream.countDown();
        if (api != null) api.close();
    }

    String url(String path) {
        return api.scheme() + "://127.0.0.1:" + api.port() + path;
    }

    static HttpResponse<String> get(SSLContext ctx, String url) throws Exception {
        try (HttpClient c = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build()) {
            return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void anonymousClientsAndNodesAreToldApartByTheirCertificate() throws Exception {
        startTls();
        assertEquals("https", api.scheme());
        ApiClient anonymous = new ApiClient(url(""), Duration.ofSeconds(20), tls.anonymous(), null);
        assertEquals("ok", anonymous.get("/healthz").path("status").asText());
        assertEquals("anonymous", anonymous.get("/whoami").path("node").asText());
        ApiClient node1 = new ApiClient(url(""), Duration.ofSeconds(20), tls.as("node-1"), null);
        assertEquals("node-1", node1.get("/whoami").path("node").asText());
    }

    @Test
    void aCertificateFromAnotherCaOrAnUntrustedServerGetsNoAnswer() {
        startTls();
        CairnException foreign = assertThrows(CairnException.class,
                () -> new ApiClient(url(""), Duration.ofSeconds(20), tls.asForeign("node-1"), null).get("/whoami"));
        assertEquals(ErrorCode.UNREACHABLE, foreign.code());
        // a client that does not trust the cluster CA refuses the server, with a hint about --ca
        CairnException untrusted = assertThrows(CairnException.class, () -> new ApiClient(url("")).get("/healthz"));
        assertEquals(ErrorCode.UNREACHABLE, untrusted.code());
        assertTrue(untrusted.getMessage().contains("TLS handshake"), untrusted.getMessage());
        assertTrue(untrusted.hint().contains("--ca"), untrusted.hint());
        assertFalse(untrusted.getMessage().contains("\n"), untrusted.getMessage());
    }

    @Test
    void aPlainHttpRequestToTheTlsPortGetsNoApiAnswer() throws Exception {
        startTls();
        try (Socket s = TlsFixture.connect(api.port())) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(answer);
            } catch (java.net.SocketException reset) {
                // the server reset the connection: no answer either
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertFalse(text.startsWith("HTTP/"), "no HTTP answer on the TLS port: " + text);
            assertFalse(text.contains("status"), text);
        }
        assertThrows(IOException.class, () -> get(SSLContext.getDefault(), "http://127.0.0.1:" + api.port() + "/healthz"));
    }

    @Test
    void theServerCertificateIsReplacedWithoutARestart() throws Exception {
        startTls();
        X509Certificate first = (X509Certificate) get(tls.anonymous(), url("/healthz")).sslSession().orElseThrow().getPeerCertificates()[0];
        X509Certificate next = tls.writeServerCertificate(Duration.ofDays(2));
        assertTrue(tls.serverTls.keys().reloadIfChanged());
        int port = api.port();
        X509Certificate second = (X509Certificate) get(tls.anonymous(), url("/healthz")).sslSession().orElseThrow().getPeerCertificates()[0];
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertEquals(next, second);
        assertEquals(port, api.port(), "same server");
    }

    @Test
    void tls12IsRefusedByDefault() throws Exception {
        startTls();
        SSLParameters only12 = new SSLParameters();
        only12.setProtocols(new String[] {"TLSv1.2"});
        try (HttpClient c = HttpClient.newBuilder().sslContext(tls.anonymous()).sslParameters(only12).build()) {
            assertThrows(IOException.class, () -> c.send(HttpRequest.newBuilder(URI.create(url("/healthz"))).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // and works when allowed
        api.close();
        TlsFixture allowing = new TlsFixture(dir.resolve("12"), true);
        start(HttpConfig.plain("127.0.0.1", 0).withTls(allowing.serverTls));
        try (HttpClient c = HttpClient.newBuilder().sslContext(allowing.anonymous()).sslParameters(only12).build()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url("/healthz"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("TLSv1.2", r.sslSession().orElseThrow().getProtocol());
        }
    }

    @Test
    void connectionsAreReusedAndTheTokenGoesWithEveryRequest() throws Exception {
        startTls();
        TlsFixture.Counting counting = new TlsFixture.Counting(tls.as("node-7"));
        ApiClient client = new ApiClient(url(""), Duration.ofSeconds(20), counting, "cairn_abc_def");
        for (int i = 0; i < 20; i++) {
            var who = client.get("/whoami");
            assertEquals("Bearer cairn_abc_def", who.path("authorization").asText());
            assertEquals("node-7", who.path("node").asText());
            assertEquals(i, client.post("/echo", Map.of("i", i)).path("i").asInt());
        }
        assertEquals(1, counting.engines.get(), "40 sequential requests over one TLS connection");
        assertEquals(ErrorCode.INVALID_INPUT,
                assertThrows(CairnException.class, () -> new ApiClient(url(""), Duration.ofSeconds(1), null, "two words")).code());
    }

    @Test
    void eventStreamsFlowOverTlsBeforeTheyEnd() throws Exception {
        startTls();
        ApiClient client = new ApiClient(url(""), Duration.ofSeconds(20), tls.anonymous(), null);
        try (InputStream in = client.stream("/events", "text/event-stream");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            // the first event arrives while the handler is still waiting to write the second
            assertEquals("data: 1", r.readLine());
            releaseStream.countDown();
            assertEquals("", r.readLine());
            assertEquals("data: 2", r.readLine());
        }
    }

    @Test
    void aStalledHandshakeOrRequestIsClosedAfterTheReadTimeout() throws Exception {
        tls = new TlsFixture(dir, false);
        start(HttpConfig.plain("127.0.0.1", 0).withTls(tls.serverTls)
                .withLimits(HttpConfig.MAX_CONNECTIONS, Duration.ofSeconds(1), Duration.ofMinutes(5), HttpConfig.MAX_HEADER_BYTES, HttpConfig.MAX_JSON_BYTES));
        // the idle timeout (5 min) cannot be what closes these within the 15 s socket timeout of the test
        try (SSLSocket s = (SSLSocket) tls.anonymous().getSocketFactory().createSocket("127.0.0.1", api.port())) {
            s.setSoTimeout(15_000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            assertClosedByServer(s.getInputStream());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(800), "not before the timeout");
        }
        try (Socket half = TlsFixture.connect(api.port())) {
            half.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            assertClosedByServer(half.getInputStream());
        }
        try (Socket silent = TlsFixture.connect(api.port())) {
            assertClosedByServer(silent.getInputStream());
        }
    }

    @Test
    void keptAliveConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        start(HttpConfig.plain("127.0.0.1", 0)
                .withLimits(HttpConfig.MAX_CONNECTIONS, HttpConfig.READ_TIMEOUT, Duration.ofSeconds(1), HttpConfig.MAX_HEADER_BYTES, HttpConfig.MAX_JSON_BYTES));
        try (Socket kept = TlsFixture.connect(api.port())) {
            kept.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader r = new BufferedReader(new InputStreamReader(kept.getInputStream(), StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 200 OK", r.readLine());
            String line;
            int length = -1;
            while (!(line = r.readLine()).isEmpty()) {
                if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
            }
            assertTrue(length > 0);
            for (int i = 0; i < length; i++) r.read();
            // the answer was not "Connection: close": the server keeps the connection until it has been idle for 1 s
            try {
                assertEquals(-1, r.read(), "the server closed the connection");
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server left an idle connection open for 15 s", e);
            } catch (IOException e) {
                // reset: closed by the server as well
            }
        }
    }

    @Test
    void aStreamLongerThanTheIdleTimeoutIsNotCut() throws Exception {
        start(HttpConfig.plain("127.0.0.1", 0)
                .withLimits(HttpConfig.MAX_CONNECTIONS, HttpConfig.READ_TIMEOUT, Duration.ofSeconds(1), HttpConfig.MAX_HEADER_BYTES, HttpConfig.MAX_JSON_BYTES));
        try (InputStream in = new ApiClient(url("")).stream("/ticks", "text/event-stream");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> events = r.lines().filter(l -> l.startsWith("data: ")).toList();
            assertEquals(10, events.size(), events.toString());
        }
    }

    static void assertClosedByServer(InputStream in) {
        try {
            assertEquals(-1, in.read(), "the server closed the connection");
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server left the connection open for 15 s", e);
        } catch (IOException e) {
            // reset or TLS alert: closed by the server as well
        }
    }

    @Test
    void fiveHundredHalfOpenTlsConnectionsDoNotStallOthers() throws Exception {
        startTls();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) idle.add(TlsFixture.connect(api.port()));
            // with 60 s read and 120 s idle timeouts none of them is closed during the test; a server that
            // handshook on its accepting thread would not answer /healthz until they were
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(tls.anonymous(), url("/healthz"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(200, r.statusCode());
            assertTrue(ms < 10_000, "answered in " + ms + " ms");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    @Test
    void theConnectionCapHoldsFurtherClientsBack() throws Exception {
        start(HttpConfig.plain("127.0.0.1", 0)
                .withLimits(2, HttpConfig.READ_TIMEOUT, Duration.ofMinutes(5), HttpConfig.MAX_HEADER_BYTES, HttpConfig.MAX_JSON_BYTES));
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url("/healthz"))).timeout(Duration.ofSeconds(3)).build();
        assertEquals(200, fresh.send(health, HttpResponse.BodyHandlers.ofString()).statusCode());
        fresh.close();
        Socket a = TlsFixture.connect(api.port());
        Socket b = TlsFixture.connect(api.port());
        try (HttpClient third = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // uncapped, /healthz answers in milliseconds; 3 s without an answer means the third connection was held back
            assertThrows(HttpTimeoutException.class, () -> third.send(health, HttpResponse.BodyHandlers.ofString()));
        }
        a.close();
        b.close();
        Await.untilAsserted("a connection slot is free again", Duration.ofSeconds(20), () -> {
            try (HttpClient again = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                assertEquals(200, again.send(health, HttpResponse.BodyHandlers.ofString()).statusCode());
            }
        });
    }

    @Test
    void oversizedHeadersAndJsonBodiesAreRefused() throws Exception {
        start(HttpConfig.plain("127.0.0.1", 0)
                .withLimits(HttpConfig.MAX_CONNECTIONS, HttpConfig.READ_TIMEOUT, HttpConfig.IDLE_TIMEOUT, 2048, 100));
        try (HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> big = c.send(HttpRequest.newBuilder(URI.create(url("/whoami"))).header("X-Big", "x".repeat(4096)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(big.statusCode() == 431 || big.statusCode() == 400, big.statusCode() + " " + big.body());
            assertFalse(big.body().contains("authorization"), "the handler did not run");
        }
        ApiClient client = new ApiClient(url(""));
        assertEquals(7, client.post("/echo", Map.of("n", 7)).path("n").asInt());
        CairnException tooLarge = assertThrows(CairnException.class, () -> client.post("/echo", Map.of("s", "y".repeat(200))));
        assertEquals(ErrorCode.TOO_LARGE, tooLarge.code());
    }

    @Test
    void headRequestsGetHeadersOnly() throws Exception {
        start(HttpConfig.plain("127.0.0.1", 0));
        try (HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url("/healthz"))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("", r.body());
        }
    }

    @Test
    void badLimitsAreClearErrors() {
        CairnException e = assertThrows(CairnException.class, () -> HttpConfig.plain("127.0.0.1", 0)
                .withLimits(0, HttpConfig.READ_TIMEOUT, HttpConfig.IDLE_TIMEOUT, HttpConfig.MAX_HEADER_BYTES, HttpConfig.MAX_JSON_BYTES));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("maxConnections"), e.getMessage());
    }
}
