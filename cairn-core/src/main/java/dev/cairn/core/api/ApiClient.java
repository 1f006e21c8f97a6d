package dev.cairn.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLContext;

/**
 * The HTTP client of the controller's API, shared by the CLI and the agents. Errors come back as
 * {@link CairnException} carrying the server's {@code {code, message, hint}}; an unreachable
 * controller is one clear error, never a stack trace.
 *
 * <p>One {@link HttpClient} per instance, so its connections (and their TLS sessions) are reused
 * by every call; keep one {@code ApiClient} per controller rather than one per request. Over
 * HTTPS it trusts what the given {@link SSLContext} trusts (the cluster CA) and presents the
 * client certificate that context holds (agents); a bearer token, when given, goes with every
 * request as {@code Authorization: Bearer …}.
 */
public final class ApiClient {
    public static final String DEFAULT_URL = "http://127.0.0.1:7070";

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final String authorization;

    public ApiClient(String baseUrl, Duration timeout) {
        this(baseUrl, timeout, null, null);
    }

    public ApiClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(30));
    }

    /**
     * @param tls         the TLS context for https URLs (trusting the cluster CA, with the node's key
     *                    for agents); null for the JDK's default trust
     * @param bearerToken sent as {@code Authorization: Bearer <token>} with every request; null for none
     */
    public ApiClient(String baseUrl, Duration timeout, SSLContext tls, String bearerToken) {
        this.base = parse(baseUrl);
        this.timeout = timeout;
        if (bearerToken != null && (bearerToken.isBlank() || bearerToken.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the token is empty or contains spaces or control characters",
                    "copy the whole token as 'cairn token create' printed it");
        }
        this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1);
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
    }

    /** The controller URL from {@code $CAIRN_URL}, or the default. */
    public static String urlFromEnvironment() {
        String u = System.getenv("CAIRN_URL");
        return u == null || u.isBlank() ? DEFAULT_URL : u.trim();
    }

    private static URI parse(String url) {
        try {
            URI u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "controller URL '" + url + "' is not an http(s) URL",
                    "set CAIRN_URL (or --controller) to something like http://127.0.0.1:7070");
        }
    }

    public URI base() { return base; }

    public JsonNode get(String path) {
        return send(request(path).GET(), timeout);
    }

    public JsonNode get(String path, Duration requestTimeout) {
        return send(request(path).GET(), requestTimeout);
    }

    public JsonNode post(String path, Object body) {
        return post(path, body, timeout);
    }

    public JsonNode post(String path, Object body, Duration requestTimeout) {
        byte[] bytes = body == null ? new byte[0] : Json.bytes(body);
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), requestTimeout);
    }

    public JsonNode postStream(String path, String contentType, java.util.function.Supplier<InputStream> body, Duration requestTimeout) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(body)), requestTimeout);
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE(), timeout);
    }

    /** Opens a streaming GET (e.g. server-sent events); the caller closes the stream. */
    public InputStream stream(String path, String accept) {
        HttpRequest req = request(path).header("Accept", accept).GET().build();
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() >= 400) {
                byte[] b;
                try (InputStream in = r.body()) {
                    b = in.readAllBytes();
                }
                throw error(r.statusCode(), b);
            }
            return r.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted", null, e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + (path.startsWith("/") ? path : "/" + path));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (authorization != null) b.header("Authorization", authorization);
        return b;
    }

    private JsonNode send(HttpRequest.Builder b, Duration requestTimeout) {
        HttpRequest req = b.timeout(requestTimeout).build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() >= 400) throw error(r.statusCode(), r.body());
            byte[] body = r.body();
            if (body == null || body.length == 0) return Json.MAPPER.createObjectNode();
            return Json.tree(body);
        } catch (HttpTimeoutException e) {
            if (e instanceof HttpConnectTimeoutException) throw unreachable(e);
            throw new CairnException(ErrorCode.UNAVAILABLE, "the controller at " + base + " did not answer within "
                    + requestTimeout.toSeconds() + "s", "check its health with 'cairn status'", e);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted", null, e);
        }
    }

    private CairnException unreachable(IOException e) {
        if (e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException) {
            return new CairnException(ErrorCode.UNREACHABLE, "the TLS handshake with the controller at " + base + " failed ("
                    + firstLine(e.getMessage() == null && e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")",
                    "give the cluster CA certificate with --ca or CAIRN_CACERT (client.yaml's 'ca'), and check the URL names that cluster", e);
        }
        String why = e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return new CairnException(ErrorCode.UNREACHABLE, "cannot reach the controller at " + base + " (" + why + ")",
                "start one with './cairn up', or point CAIRN_URL at a running controller", e);
    }

    private static String firstLine(String s) {
        return s == null ? "handshake refused" : s.lines().findFirst().orElse(s);
    }

    static CairnException error(int status, byte[] body) {
        String code = null;
        String message = null;
        String hint = null;
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            code = text(n, "code");
            message = text(n, "message");
            hint = text(n, "hint");
        } catch (IOException | RuntimeException ignored) {
            message = body == null ? null : new String(body, StandardCharsets.UTF_8).strip();
        }
        ErrorCode ec = ErrorCode.fromName(code, status);
        if (message == null || message.isBlank()) message = "HTTP " + status;
        return new CairnException(ec, message, hint);
    }

    private static String text(JsonNode n, String field) {
        JsonNode f = n == null ? null : n.get(field);
        return f == null || f.isNull() ? null : f.asText();
    }
}
