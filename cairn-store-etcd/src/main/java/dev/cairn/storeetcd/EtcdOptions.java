package dev.cairn.storeetcd;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to reach an etcd cluster: every member's client URL (the client fails over among them), TLS,
 * and the timeouts.
 *
 * @param endpoints      client URLs, {@code http://host:port} or {@code https://host:port}
 * @param caCert         PEM CA certificate that signed the members' certificates; TLS when present
 * @param clientCert     PEM client certificate, for members started with {@code --client-cert-auth}
 * @param clientKey      its private key, PEM PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param sessionTimeout the TTL of this client's lease: ephemeral entries and leadership end this
 *                       long after the client was last heard from
 * @param connectTimeout how long {@code connect} waits for the cluster
 * @param requestTimeout the deadline of each request; a request that misses it fails with
 *                       {@link ErrorCode#STORE_UNAVAILABLE}
 */
public record EtcdOptions(List<URI> endpoints, Optional<Path> caCert, Optional<Path> clientCert, Optional<Path> clientKey,
                          Duration sessionTimeout, Duration connectTimeout, Duration requestTimeout) {
    private static final String ENDPOINTS_HINT = "give the members' client URLs as http[s]://host:port[,http[s]://host:port…]";

    public EtcdOptions {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "no etcd endpoint given", ENDPOINTS_HINT);
        }
        boolean https = endpoints.get(0).getScheme().equals("https");
        for (URI u : endpoints) {
            if (u.getScheme().equals("https") != https) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "etcd endpoints mix http and https: " + endpoints,
                        "use https:// for every member when the cluster serves TLS, http:// otherwise");
            }
        }
        if (caCert.isPresent() && !https) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "an etcd CA certificate was given but the endpoints are http://",
                    "use https:// endpoints with TLS");
        }
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "an etcd client certificate needs its key and a key its certificate",
                    "give both the client certificate and its private key, or neither");
        }
        if (clientCert.isPresent() && !https) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "an etcd client certificate was given but the endpoints are http://",
                    "use https:// endpoints with TLS");
        }
        for (Optional<Path> f : List.of(caCert, clientCert, clientKey)) {
            if (f.isPresent() && !Files.isReadable(f.get())) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + f.get(), "check the path and its permissions");
            }
        }
        positive(sessionTimeout, "session timeout");
        positive(connectTimeout, "connect timeout");
        positive(requestTimeout, "request timeout");
        if (sessionTimeout.toMillis() < 2_000) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "etcd session timeout " + sessionTimeout.toMillis() + " ms is too short",
                    "use at least 2 s: etcd grants leases in whole seconds and keeps a minimum TTL");
        }
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "etcd " + what + " must be positive", null);
        }
    }

    /** Plain-text endpoints (comma-separated URLs; a bare host:port means http) with the default timeouts. */
    public static EtcdOptions of(String endpoints) {
        return new EtcdOptions(parseEndpoints(endpoints), Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /** TLS with the given CA certificate, and a client certificate and key when both are non-null. */
    public EtcdOptions withTls(Path caCert, Path clientCert, Path clientKey) {
        return new EtcdOptions(endpoints, Optional.ofNullable(caCert), Optional.ofNullable(clientCert), Optional.ofNullable(clientKey),
                sessionTimeout, connectTimeout, requestTimeout);
    }

    public EtcdOptions withSessionTimeout(Duration d) {
        return new EtcdOptions(endpoints, caCert, clientCert, clientKey, d, connectTimeout, requestTimeout);
    }

    public EtcdOptions withConnectTimeout(Duration d) {
        return new EtcdOptions(endpoints, caCert, clientCert, clientKey, sessionTimeout, d, requestTimeout);
    }

    public EtcdOptions withRequestTimeout(Duration d) {
        return new EtcdOptions(endpoints, caCert, clientCert, clientKey, sessionTimeout, connectTimeout, d);
    }

    public boolean tls() {
        return endpoints.get(0).getScheme().equals("https");
    }

    /** Parses {@code http://h:p,https://h:p,h:p}; refuses anything that is not a host and port. */
    public static List<URI> parseEndpoints(String list) {
        if (list == null || list.isBlank()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "no etcd endpoint given", ENDPOINTS_HINT);
        }
        List<URI> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String s = raw.trim();
            if (s.isEmpty()) continue;
            String withScheme = s.contains("://") ? s : "http://" + s;
            URI u;
            try {
                u = new URI(withScheme);
            } catch (URISyntaxException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "bad etcd endpoint '" + s + "': " + e.getReason(), ENDPOINTS_HINT);
            }
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "bad etcd endpoint '" + s + "': scheme must be http or https", ENDPOINTS_HINT);
            }
            if (u.getHost() == null || u.getPort() < 1) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "bad etcd endpoint '" + s + "': needs a host and a port", ENDPOINTS_HINT);
            }
            if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "bad etcd endpoint '" + s + "': no path allowed", ENDPOINTS_HINT);
            }
            out.add(URI.create(u.getScheme() + "://" + u.getRawAuthority()));
        }
        if (out.isEmpty()) throw new CairnException(ErrorCode.INVALID_INPUT, "no etcd endpoint given", ENDPOINTS_HINT);
        return out;
    }
}
