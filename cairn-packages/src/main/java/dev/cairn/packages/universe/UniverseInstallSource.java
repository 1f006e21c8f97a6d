package dev.cairn.packages.universe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.packages.Coordinate;
import dev.cairn.packages.FileEntry;
import dev.cairn.packages.InstallSource;
import dev.cairn.packages.OperationEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Universe Install: stores the package definition files from the operation's repository. With
 * assets, every {@code resource.json} asset ({@code assets.uris.*} and {@code cli.binaries.*.*}) is
 * first streamed into storage under {@code assets/}, checked against its sha256 {@code contentHash}
 * when the package gives one, and the stored resource.json is rewritten to point at the cluster's
 * copies ({@code assetUrl(coordinate, path)}).
 */
public final class UniverseInstallSource implements InstallSource {
    private final RepositoryRegistry registry;
    private final UriFetcher fetcher;
    private final BiFunction<Coordinate, String, String> assetUrl;

    public UniverseInstallSource(RepositoryRegistry registry, UriFetcher fetcher, BiFunction<Coordinate, String, String> assetUrl) {
        this.registry = registry;
        this.fetcher = fetcher;
        this.assetUrl = assetUrl;
    }

    @Override
    public void writeFiles(OperationEntry op, FileSink sink) {
        if (op.pkg().repository() == null) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "Universe Install of " + op.coordinate() + " names no repository", null);
        }
        PackageDefinition def = registry.open(op.pkg().repository()).definition(op.pkg().name(), op.pkg().version());
        Map<String, byte[]> files = new LinkedHashMap<>(def.files());
        if (op.withAssets() && files.containsKey("resource.json")) {
            ObjectNode resource = (ObjectNode) Json.tree(files.get("resource.json"));
            fetchAssets(op.coordinate(), resource, sink);
            files.put("resource.json", Json.pretty(resource).getBytes(StandardCharsets.UTF_8));
        }
        for (var f : files.entrySet()) sink.put(f.getKey(), new ByteArrayInputStream(f.getValue()));
    }

    private void fetchAssets(Coordinate c, ObjectNode resource, FileSink sink) {
        JsonNode uris = resource.path("assets").path("uris");
        if (uris instanceof ObjectNode u) {
            for (String key : iterable(u.fieldNames())) {
                String path = "assets/uris/" + safe(key);
                fetch(c, key, u.get(key).asText(), null, path, sink);
                u.put(key, assetUrl.apply(c, path));
            }
        }
        JsonNode binaries = resource.path("cli").path("binaries");
        for (String os : iterable(binaries.fieldNames())) {
            for (String arch : iterable(binaries.get(os).fieldNames())) {
                if (!(binaries.get(os).get(arch) instanceof ObjectNode bin) || !bin.hasNonNull("url")) continue;
                String expected = null;
                for (JsonNode h : bin.path("contentHash")) {
                    if ("sha256".equalsIgnoreCase(h.path("algo").asText())) expected = h.path("value").asText().toLowerCase(Locale.ROOT);
                }
                String path = "assets/cli/" + safe(os) + "-" + safe(arch) + "-" + safe(bin.path("kind").asText("binary"));
                fetch(c, "cli " + os + "/" + arch, bin.get("url").asText(), expected, path, sink);
                bin.put("url", assetUrl.apply(c, path));
            }
        }
    }

    private void fetch(Coordinate c, String what, String url, String expectedSha256, String path, FileSink sink) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "asset '" + what + "' of " + c + " has a malformed URL '" + url + "'", null);
        }
        FileEntry stored;
        try (InputStream in = fetcher.open(uri)) {
            stored = sink.put(path, in);
        } catch (IOException e) {
            throw UriFetcher.unreachable(uri, e);
        } catch (CairnException e) {
            throw new CairnException(e.code() == ErrorCode.NOT_FOUND ? ErrorCode.UNREACHABLE : e.code(),
                    "asset '" + what + "' of " + c + " could not be fetched: " + e.getMessage(),
                    "install without --with-assets, or make " + url + " reachable from the controller", e);
        }
        if (expectedSha256 != null && !expectedSha256.equals(stored.sha256())) {
            throw new CairnException(ErrorCode.OPERATION_FAILED, "asset '" + what + "' of " + c + " from " + url
                    + " has sha256 " + stored.sha256() + ", but the package expects " + expectedSha256,
                    "the download was corrupted or the asset changed upstream");
        }
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
