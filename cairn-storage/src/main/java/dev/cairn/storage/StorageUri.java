package dev.cairn.storage;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where package storage lives, parsed from {@code --storage}: {@code file:///PATH} or
 * {@code s3://BUCKET[/prefix]?endpoint=URL&region=R&accessKey=K&secretKey=S&pathStyle=true}.
 */
public sealed interface StorageUri {
    record File(Path path) implements StorageUri {}

    record S3(String bucket, String prefix, Optional<URI> endpoint, String region,
              Optional<String> accessKey, Optional<String> secretKey, boolean pathStyle) implements StorageUri {
        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                    + endpoint.map(e -> "?endpoint=" + e).orElse("");
        }
    }

    Set<String> S3_PARAMS = Set.of("endpoint", "region", "accessKey", "secretKey", "pathStyle");

    static StorageUri parse(String text) {
        if (text == null || text.isBlank()) throw bad(text, "is empty");
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw bad(text, "is not a URI (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        return switch (scheme) {
            case "file" -> {
                if (uri.getPath() == null || !uri.getPath().startsWith("/")) throw bad(text, "needs an absolute path");
                if (uri.getQuery() != null) throw bad(text, "takes no query parameters");
                yield new File(Path.of(uri.getPath()));
            }
            case "s3" -> parseS3(text, uri);
            default -> throw bad(text, "has an unsupported scheme '" + scheme + "'");
        };
    }

    private static S3 parseS3(String text, URI uri) {
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw bad(text, "needs a bucket name (3-63 characters: a-z 0-9 . -)");
        }
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        Map<String, String> q = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                if (kv.isEmpty()) continue;
                int i = kv.indexOf('=');
                String k = i < 0 ? kv : kv.substring(0, i);
                String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
                if (!S3_PARAMS.contains(k)) throw bad(text, "has an unknown parameter '" + k + "' (known: " + S3_PARAMS + ")");
                q.put(k, v);
            }
        }
        Optional<URI> endpoint = Optional.empty();
        if (q.containsKey("endpoint")) {
            try {
                URI e = new URI(q.get("endpoint"));
                if (e.getScheme() == null || !(e.getScheme().equals("http") || e.getScheme().equals("https")) || e.getHost() == null) {
                    throw bad(text, "has an endpoint that is not an http(s) URL");
                }
                endpoint = Optional.of(e);
            } catch (URISyntaxException e) {
                throw bad(text, "has a malformed endpoint");
            }
        }
        if (q.containsKey("accessKey") != q.containsKey("secretKey")) {
            throw bad(text, "must give both accessKey and secretKey, or neither");
        }
        return new S3(bucket, prefix, endpoint, q.getOrDefault("region", "us-east-1"),
                Optional.ofNullable(q.get("accessKey")), Optional.ofNullable(q.get("secretKey")),
                !"false".equals(q.getOrDefault("pathStyle", "true")));
    }

    private static CairnException bad(String text, String why) {
        String shown = text == null ? "null" : text.replaceAll("secretKey=[^&]*", "secretKey=***");
        return new CairnException(ErrorCode.INVALID_INPUT, "storage URI '" + shown + "' " + why,
                "use file:///PATH or s3://BUCKET[/prefix]?endpoint=URL&region=R&accessKey=K&secretKey=S");
    }
}
