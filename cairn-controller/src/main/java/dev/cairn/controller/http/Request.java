package dev.cairn.controller.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One API request: method, path parameters, query parameters, headers and a body stream, the
 * client certificate the caller authenticated with (over TLS, when it presented one; the
 * handshake has verified it against the cluster CA), and the limit for JSON bodies.
 */
public record Request(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                      Map<String, List<String>> headers, InputStream body, Optional<X509Certificate> clientCertificate, int maxJsonBytes) {

    public Request {
        clientCertificate = clientCertificate == null ? Optional.empty() : clientCertificate;
    }

    /** A request without a client certificate and with the default JSON limit. */
    public Request(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                   Map<String, List<String>> headers, InputStream body) {
        this(method, path, pathParams, query, headers, body, Optional.empty(), HttpConfig.MAX_JSON_BYTES);
    }

    /**
     * The node the caller is, when it authenticated with a node certificate: the certificate's
     * subject CN. Only node certificates can authenticate a client (controller certificates are
     * for servers only), so a present name is a node's.
     */
    public Optional<String> peerNode() {
        return clientCertificate.map(dev.cairn.security.ClusterCa::commonName);
    }

    public String param(String name) {
        String v = pathParams.get(name);
        if (v == null) throw new IllegalStateException("route has no parameter " + name);
        return v;
    }

    public Optional<String> query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public long queryLong(String name, long dflt) {
        Optional<String> v = query(name);
        if (v.isEmpty()) return dflt;
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "query parameter " + name + "='" + v.get() + "' is not a number", null);
        }
    }

    public Optional<String> header(String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return Optional.of(e.getValue().get(0));
        }
        return Optional.empty();
    }

    /** Reads the body as JSON (at most {@link #maxJsonBytes()}, 1 MiB by default; use {@link #body()} for uploads). */
    public JsonNode json() {
        byte[] bytes = bytes(maxJsonBytes);
        if (bytes.length == 0) return Json.MAPPER.createObjectNode();
        return Json.tree(bytes);
    }

    public <T> T json(Class<T> type) {
        byte[] bytes = bytes(maxJsonBytes);
        if (bytes.length == 0) throw new CairnException(ErrorCode.BAD_REQUEST, "request body is empty", "send a JSON object");
        return Json.read(bytes, type);
    }

    public byte[] bytes(int max) {
        try {
            byte[] b = body.readNBytes(max + 1);
            if (b.length > max) {
                throw new CairnException(ErrorCode.TOO_LARGE, "request body is larger than " + max + " bytes", null);
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
