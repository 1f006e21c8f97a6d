package dev.cairn.controller.http;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.security.TlsContexts;
import java.time.Duration;
import java.util.Optional;

/**
 * How the API server listens: address, TLS, and the limits that keep one client from exhausting
 * it. {@link #plain} gives the defaults below.
 *
 * @param host           the address to bind
 * @param port           the port; 0 picks a free one
 * @param tls            when present the port speaks HTTPS only (TLS 1.3, 1.2 when allowed), client
 *                       certificates are asked for but not required, and a plain-HTTP request gets
 *                       no API answer; when empty, plain HTTP
 * @param maxConnections open connections at most ({@value #MAX_CONNECTIONS}); further clients wait
 *                       in the listen backlog until one closes
 * @param readTimeout    the longest a client may send nothing while the server waits for it during a
 *                       TLS handshake, request headers or a request body, and between requests on a
 *                       kept-alive connection; then the connection is closed (60 s: longer than the
 *                       JDK HTTP client's 30 s keep-alive, so a client never reuses a connection the
 *                       server is closing). Enforced on TLS connections only: on plain HTTP (local
 *                       development, and the default until TLS is switched on) a connection that
 *                       never sends a complete request stays open, bounded by {@code maxConnections}
 * @param idleTimeout    a kept-alive connection with no request in progress for this long is closed
 *                       (120 s)
 * @param maxHeaderBytes request line and request headers each at most this many bytes (16 KiB);
 *                       larger requests are refused with 400/431 before any handler runs
 * @param maxJsonBytes   a JSON request body at most this many bytes (1 MiB): {@link Request#json()}
 *                       refuses larger ones with 413. Uploads (packages, modules) stream and are
 *                       bounded by their handlers
 */
public record HttpConfig(String host, int port, Optional<TlsContexts.ServerTls> tls, int maxConnections, Duration readTimeout,
                         Duration idleTimeout, int maxHeaderBytes, int maxJsonBytes) {
    public static final int MAX_CONNECTIONS = 4096;
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final int MAX_JSON_BYTES = 1 << 20;

    public HttpConfig {
        tls = tls == null ? Optional.empty() : tls;
        if (port < 0 || port > 65535) throw bad("port " + port + " is not between 0 and 65535", "choose another port with --port");
        if (maxConnections < 1) throw bad("maxConnections " + maxConnections + " must be at least 1", "give a positive connection cap");
        if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero() || readTimeout.toMillis() > Integer.MAX_VALUE) {
            throw bad("readTimeout " + readTimeout + " must be positive", "give a read timeout such as 60s");
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw bad("idleTimeout " + idleTimeout + " must be positive", "give an idle timeout such as 120s");
        }
        if (maxHeaderBytes < 1024) throw bad("maxHeaderBytes " + maxHeaderBytes + " must be at least 1024", "give at least 1 KiB");
        if (maxJsonBytes < 1) throw bad("maxJsonBytes " + maxJsonBytes + " must be positive", "give a positive size");
    }

    /** Plain HTTP on {@code host:port} with the default limits. */
    public static HttpConfig plain(String host, int port) {
        return new HttpConfig(host, port, Optional.empty(), MAX_CONNECTIONS, READ_TIMEOUT, IDLE_TIMEOUT, MAX_HEADER_BYTES, MAX_JSON_BYTES);
    }

    public HttpConfig withTls(TlsContexts.ServerTls serverTls) {
        return new HttpConfig(host, port, Optional.of(serverTls), maxConnections, readTimeout, idleTimeout, maxHeaderBytes, maxJsonBytes);
    }

    public HttpConfig withLimits(int connections, Duration read, Duration idle, int headerBytes, int jsonBytes) {
        return new HttpConfig(host, port, tls, connections, read, idle, headerBytes, jsonBytes);
    }

    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    private static CairnException bad(String message, String hint) {
        return new CairnException(ErrorCode.INVALID_INPUT, message, hint);
    }
}
