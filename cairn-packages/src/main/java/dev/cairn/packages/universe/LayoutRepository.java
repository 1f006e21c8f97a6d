package dev.cairn.packages.universe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The DC/OS Universe directory layout: {@code <root>/repo/packages/<Letter>/<name>/<revision>/} with
 * package.json and friends. Packages are listed from {@code repo/meta/index.json} when the repository
 * has one (the version-2.x layout; required over HTTP, where directories cannot be listed), otherwise
 * by walking the directories ({@code file://} only).
 */
public final class LayoutRepository implements UniverseRepository {
    private final String name;
    private final URI root;
    private final UriFetcher fetcher;

    public LayoutRepository(String name, URI uri, UriFetcher fetcher) {
        this.name = name;
        this.root = uri.toString().endsWith("/") ? uri : URI.create(uri + "/");
        this.fetcher = fetcher;
    }

    @Override
    public String name() { return name; }

    @Override
    public URI uri() { return root; }

    @Override
    public List<UniversePackage> packages() {
        URI index = root.resolve("repo/meta/index.json");
        List<UniversePackage> out;
        if ("file".equalsIgnoreCase(root.getScheme()) && !Files.isRegularFile(Path.of(index))) {
            out = walk();
        } else {
            out = fromIndex(Json.tree(fetcher.read(index)));
        }
        out.sort(Comparator.comparing(UniversePackage::name).thenComparingLong(UniversePackage::revision));
        return out;
    }

    private List<UniversePackage> fromIndex(JsonNode index) {
        List<UniversePackage> out = new ArrayList<>();
        JsonNode packages = index.path("packages");
        if (!packages.isArray()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "repository " + name + ": repo/meta/index.json has no 'packages' list",
                    "point the repository at a Universe checkout or a JSON index");
        }
        for (JsonNode p : packages) {
            List<String> tags = new ArrayList<>();
            p.path("tags").forEach(t -> tags.add(t.asText()));
            p.path("versions").fields().forEachRemaining(v -> out.add(new UniversePackage(name, p.path("name").asText(),
                    v.getKey(), v.getValue().asLong(), p.path("description").asText(""), tags, null)));
        }
        return out;
    }

    private List<UniversePackage> walk() {
        Path packages = Path.of(root.resolve("repo/packages/"));
        if (!Files.isDirectory(packages)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "repository " + name + " at " + root + " has no repo/packages directory",
                    "point the repository at the root of a Universe checkout (the directory holding repo/)");
        }
        List<UniversePackage> out = new ArrayList<>();
        try (Stream<Path> files = Files.find(packages, 4, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("package.json"))) {
            for (Path pj : files.toList()) {
                Path revDir = pj.getParent();
                long revision;
                try {
                    revision = Long.parseLong(revDir.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                JsonNode p = Json.tree(Files.readAllBytes(pj));
                List<String> tags = new ArrayList<>();
                p.path("tags").forEach(t -> tags.add(t.asText()));
                out.add(new UniversePackage(name, p.path("name").asText(revDir.getParent().getFileName().toString()),
                        p.path("version").asText(), revision, p.path("description").asText(""), tags,
                        p.path("packagingVersion").asText(null)));
            }
        } catch (IOException e) {
            throw UriFetcher.unreachable(root, e);
        }
        return out;
    }

    @Override
    public PackageDefinition definition(String pkg, String version) {
        UniversePackage summary = packages().stream().filter(p -> p.name().equals(pkg) && p.version().equals(version))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "repository " + name + " has no package " + pkg + "@" + version,
                        "list what it has with 'cairn package search " + pkg + "'"));
        URI dir = root.resolve("repo/packages/" + Character.toUpperCase(pkg.charAt(0)) + "/" + pkg + "/" + summary.revision() + "/");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : PackageDefinition.FILE_NAMES) {
            try {
                files.put(f, fetcher.read(dir.resolve(f)));
            } catch (CairnException e) {
                if (e.code() != ErrorCode.NOT_FOUND) throw e;
                if (f.equals("package.json")) {
                    throw new CairnException(ErrorCode.NOT_FOUND, "repository " + name + " lists " + pkg + "@" + version
                            + " but has no " + dir.resolve(f), "the repository is incomplete; check its contents");
                }
            }
        }
        return new PackageDefinition(summary, files);
    }
}
