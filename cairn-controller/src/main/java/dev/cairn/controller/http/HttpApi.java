package dev.cairn.controller.http;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.security.TlsContexts;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.Header;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP server: Helidon SE's WebServer (one virtual thread per connection, so
 * long-polls and event streams cost no platform threads), serving every request through the
 * {@link Router}. With TLS configured it speaks HTTPS only and asks for (does not require) a
 * client certificate, which {@link Request#clientCertificate()} then carries; the limits of
 * {@link HttpConfig} apply to every connection. Errors are JSON {@code {code, message, hint}}
 * with the status of their {@link ErrorCode}. See the README for why this server.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static {
        HelidonLogging.install();
    }

    private final WebServer server;
    private final Router router;
    private final MeterRegistry metrics;
    private final HttpConfig config;

    private HttpApi(WebServer server, Router router, MeterRegistry metrics, HttpConfig config) {
        this.server = server;
        this.router = router;
        this.metrics = metrics;
        this.config = config;
    }

    /** Plain HTTP with the default limits (as before TLS existed). */
    public static HttpApi start(String host, int port, Router router, MeterRegistry metrics) {
        return start(HttpConfig.plain(host, port), router, metrics);
    }

    public static HttpApi start(HttpConfig config, Router router, MeterRegistry metrics) {
        if (portInUse(config.host(), config.port())) {
            // checked first: the server would log a stack trace before failing
            throw new CairnException(ErrorCode.UNAVAILABLE, "port " + config.port() + " on " + config.host() + " is already in use",
                    "stop the process using it, or choose another port with --port");
        }
        HttpApi[] self = new HttpApi[1];
        var builder = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .backlog(256)
                .maxTcpConnections(config.maxConnections())
                .idleConnectionTimeout(config.idleTimeout())
                .idleConnectionPeriod(period(config.idleTimeout()))
                .maxPayloadSize(-1)
                // blocking sockets: TLS is then layered with our context's socket factory, which sets the read timeout
                .useNio(false)
                .shutdownGracePeriod(Duration.ofMillis(100))
                // small JSON answers must not wait for Nagle's algorithm
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).putSocketOption(StandardSocketOptions.TCP_NODELAY, true)
                        .readTimeout(config.readTimeout()).build())
                .addProtocol(Http1Config.builder().maxPrologueLength(config.maxHeaderBytes()).maxHeadersSize(config.maxHeaderBytes()).build())
                .routing(HttpRouting.builder().any((req, res) -> self[0].handle(req, res)));
        config.tls().ifPresent(tls -> builder.tls(Tls.builder()
                .sslContext(new ReadTimeoutSslContext(tls.context(), (int) config.readTimeout().toMillis(), serverParameters(tls)))
                .clientAuth(TlsClientAuth.OPTIONAL)
                .enabledProtocols(tls.protocols())
                .build()));
        WebServer server = builder.build();
        self[0] = new HttpApi(server, router, metrics, config);
        RuntimeException failure = null;
        try {
            server.start();
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null || !server.isRunning()) {
            // the server logs why it could not bind and stops; tell the user the likely reason in one line
            if (bindFailure(failure) || portInUse(config.host(), config.port())) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "port " + config.port() + " on " + config.host() + " is already in use",
                        "stop the process using it, or choose another port with --port");
            }
            throw new CairnException(ErrorCode.UNAVAILABLE, "cannot listen on " + config.host() + ":" + config.port()
                    + (failure == null ? "" : ": " + failure.getMessage()), "check the address and port", failure);
        }
        return self[0];
    }

    private static boolean portInUse(String host, int port) {
        if (port == 0) return false;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
            return false;
        } catch (BindException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SSLParameters serverParameters(TlsContexts.ServerTls tls) {
        SSLParameters p = tls.context().getDefaultSSLParameters();
        p.setProtocols(tls.protocols().toArray(String[]::new));
        // asked for, not required: users authenticate with tokens, agents with their node certificate
        p.setWantClientAuth(true);
        return p;
    }

    private static Duration period(Duration idle) {
        Duration p = idle.dividedBy(4);
        return p.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : p;
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) return true;
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) return true;
        }
        return false;
    }

    public int port() {
        return server.port();
    }

    public HttpConfig config() {
        return config;
    }

    /** "https" when TLS is configured, else "http". */
    public String scheme() {
        return config.scheme();
    }

    private void handle(ServerRequest hreq, ServerResponse res) {
        long start = System.nanoTime();
        String pattern = "unmatched";
        int status = 500;
        String method = hreq.prologue().method().text();
        String path = hreq.path().rawPath();
        try {
            Reply reply;
            try {
                Optional<Router.Match> m = router.match(method, path);
                if (m.isEmpty()) {
                    throw new CairnException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path,
                            "the API lives under /api/v1; see docs/api.md");
                }
                pattern = m.get().pattern();
                Request req = new Request(method, path, m.get().params(), query(hreq.query().rawValue()), headers(hreq),
                        hreq.content().inputStream(), clientCertificate(hreq), config.maxJsonBytes());
                reply = m.get().handler().handle(req);
            } catch (CairnException e) {
                reply = new Reply.JsonReply(e.code().httpStatus(), e.body());
            } catch (InterruptedException e) {
                // the server is stopping and interrupts what still runs (long-polls): not a failure to log
                Thread.currentThread().interrupt();
                reply = new Reply.JsonReply(ErrorCode.UNAVAILABLE.httpStatus(), new CairnException.ErrorBody(ErrorCode.UNAVAILABLE.name(),
                        "the controller is shutting down", "retry; another controller or this one after its restart will answer"));
            } catch (Exception e) {
                LOG.warn("request {} {} failed", method, path, e);
                reply = new Reply.JsonReply(500, new CairnException.ErrorBody(ErrorCode.INTERNAL.name(),
                        "internal error: " + e, "see the controller's log"));
            }
            status = reply.status();
            write(res, reply, method.equals("HEAD"));
        } catch (IOException | RuntimeException e) {
            // the client went away while the answer was written (the server reports that unchecked): nothing to answer
            LOG.debug("writing the answer to {} {} failed", method, path, e);
        } finally {
            Timer.builder("cairn.http.requests").tag("route", pattern).tag("status", Integer.toString(status))
                    .register(metrics).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private static Optional<X509Certificate> clientCertificate(ServerRequest req) {
        // present only when the TLS handshake verified it against the cluster CA
        Optional<Certificate[]> chain = req.remotePeer().tlsCertificates();
        if (chain.isEmpty() || chain.get().length == 0 || !(chain.get()[0] instanceof X509Certificate c)) return Optional.empty();
        return Optional.of(c);
    }

    private static Map<String, List<String>> headers(ServerRequest req) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (Header header : req.headers()) h.computeIfAbsent(header.name(), k -> new ArrayList<>()).addAll(header.allValues());
        return h;
    }

    private static void write(ServerResponse res, Reply reply, boolean head) throws IOException {
        res.status(reply.status());
        switch (reply) {
            case Reply.JsonReply j -> {
                res.header("Content-Type", "application/json");
                send(res, Json.bytes(j.body()), head);
            }
            case Reply.TextReply t -> {
                res.header("Content-Type", t.contentType());
                send(res, t.body().getBytes(StandardCharsets.UTF_8), head);
            }
            case Reply.StreamReply s -> {
                res.header("Content-Type", s.contentType());
                res.header("Cache-Control", "no-cache");
                try (OutputStream out = res.outputStream()) {
                    s.writer().write(out);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void send(ServerResponse res, byte[] body, boolean head) {
        if (head || body.length == 0) {
            res.send();
        } else {
            res.send(body);
        }
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String part : raw.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return q;
    }

    @Override
    public void close() {
        server.stop();
    }
}
