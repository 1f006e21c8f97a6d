package dev.cairn.packages.universe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated Universe repository index ({@code {"packages":[…]}}, the v3+ format Cosmos reads):
 * each entry inlines package metadata, {@code config}, {@code resource}, {@code command} and the
 * base64 {@code marathon.v2AppMustacheTemplate}; they are split back into the usual files.
 */
public final class IndexRepository implements UniverseRepository {
    private static final List<String> INLINED = List.of("config", "resource", "marathon", "command");

    private final String name;
    private final URI uri;
    private final UriFetcher fetcher;

    public IndexRepository(String name, URI uri, UriFetcher fetcher) {
        this.name = name;
        this.uri = uri;
        this.fetcher = fetcher;
    }

    @Override
    public String name() { return name; }

    @Override
    public URI uri() { return uri; }

    private List<JsonNode> entries() {
        JsonNode root = Json.tree(fetcher.read(uri));
        JsonNode packages = root.path("packages");
        if (!packages.isArray()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "repository " + name + " at " + uri + " is not a Universe index (no 'packages' list)",
                    "use a repo-up-to-<version>.json index or a Universe checkout directory");
        }
        List<JsonNode> out = new ArrayList<>();
        packages.forEach(out::add);
        return out;
    }

    private UniversePackage summary(JsonNode p) {
        List<String> tags = new ArrayList<>();
        p.path("tags").forEach(t -> tags.add(t.asText()));
        return new UniversePackage(name, p.path("name").asText(), p.path("version").asText(), p.path("releaseVersion").asLong(0),
                p.path("description").asText(""), tags, p.path("packagingVersion").asText(null));
    }

    @Override
    public List<UniversePackage> packages() {
        List<UniversePackage> out = new ArrayList<>();
        for (JsonNode p : entries()) out.add(summary(p));
        out.sort(Comparator.comparing(UniversePackage::name).thenComparingLong(UniversePackage::revision));
        return out;
    }

    @Override
    public PackageDefinition definition(String pkg, String version) {
        for (JsonNode p : entries()) {
            if (!pkg.equals(p.path("name").asText()) || !version.equals(p.path("version").asText())) continue;
            Map<String, byte[]> files = new LinkedHashMap<>();
            ObjectNode meta = ((ObjectNode) p).deepCopy();
            INLINED.forEach(meta::remove);
            files.put("package.json", Json.pretty(meta).getBytes(StandardCharsets.UTF_8));
            if (p.has("config")) files.put("config.json", Json.pretty(p.get("config")).getBytes(StandardCharsets.UTF_8));
            if (p.has("resource")) files.put("resource.json", Json.pretty(p.get("resource")).getBytes(StandardCharsets.UTF_8));
            JsonNode template = p.path("marathon").path("v2AppMustacheTemplate");
            if (template.isTextual()) {
                try {
                    files.put("marathon.json.mustache", Base64.getMimeDecoder().decode(template.asText()));
                } catch (IllegalArgumentException e) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "repository " + name + ": " + pkg + "@" + version
                            + " has a marathon template that is not base64", "the index is damaged; regenerate it");
                }
            }
            if (p.has("command")) files.put("command.json", Json.pretty(p.get("command")).getBytes(StandardCharsets.UTF_8));
            return new PackageDefinition(summary(p), files);
        }
        throw new CairnException(ErrorCode.NOT_FOUND, "repository " + name + " has no package " + pkg + "@" + version,
                "list what it has with 'cairn package search " + pkg + "'");
    }
}
