package dev.cairn.controller.packages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Request;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.packages.Completion;
import dev.cairn.packages.Coordinate;
import dev.cairn.packages.PackageService;
import dev.cairn.packages.universe.RepositoryConfig;
import dev.cairn.packages.universe.UniverseCatalog;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The package API: repositories, the Universe catalog, and the four operations of Distributed
 * Publish (Universe Install, CLI Install, Uninstall, Show System State). Requests are answered at
 * once: operations are queued (202 with the ticket) and processed by the leader.
 */
public final class PackagesApi {
    /** {@code GET /api/v1/repos}. */
    public record Repositories(List<RepositoryConfig> repositories) {}

    /** {@code DELETE /api/v1/repos/{name}}: the name of the repository removed. */
    public record Removed(String removed) {}

    /** {@code GET /api/v1/catalog?q=}. */
    public record SearchHits(List<UniverseCatalog.SearchHit> packages) {}

    private PackagesApi() {}

    public static void register(Router r, PackageService packages, Runnable wakeProcessor) {
        r.get("/api/v1/repos", req -> Reply.ok(new Repositories(packages.repoList())));
        r.post("/api/v1/repos", req -> {
            JsonNode b = req.json();
            return Reply.created(packages.repoAdd(required(b, "name"), required(b, "uri")));
        });
        r.delete("/api/v1/repos/{name}", req -> {
            packages.repoRemove(req.param("name"));
            return Reply.ok(new Removed(req.param("name")));
        });

        r.get("/api/v1/catalog", req -> Reply.ok(new SearchHits(packages.search(req.query("q").orElse("")))));
        r.get("/api/v1/catalog/{package}", req -> Reply.ok(packages.describe(req.param("package"))));

        r.post("/api/v1/packages/install", req -> {
            JsonNode b = req.json();
            var ticket = packages.install(required(b, "package"), b.path("withAssets").asBoolean(false));
            wakeProcessor.run();
            return Reply.accepted(ticket);
        });
        r.post("/api/v1/packages/upload", req -> {
            Optional<String> sha = req.query("sha256");
            var ticket = packages.add(req.body(), sha);
            wakeProcessor.run();
            return Reply.accepted(ticket);
        });
        r.post("/api/v1/packages/uninstall", req -> {
            JsonNode b = req.json();
            var ticket = packages.uninstall(required(b, "package"));
            wakeProcessor.run();
            return Reply.accepted(ticket);
        });
        r.get("/api/v1/packages/state", req -> Reply.ok(packages.state()));
        r.get("/api/v1/packages/{coordinate}/status", req -> Reply.ok(packages.status(Coordinate.parse(req.param("coordinate")))));
        r.get("/api/v1/packages/{coordinate}/operations/{id}", req -> {
            Duration wait = Duration.ofMillis(Math.min(Math.max(req.queryLong("waitMs", 0), 0), 60_000));
            Completion c = packages.await(Coordinate.parse(req.param("coordinate")), req.param("id"), wait);
            return Reply.ok(c);
        });
        r.get("/api/v1/packages/{name}/{version}/files/{path}", req -> fileReply(packages, req));
    }

    private static Reply fileReply(PackageService packages, Request req) {
        InputStream in = packages.openFile(req.param("name"), req.param("version"), req.param("path"));
        return new Reply.StreamReply(200, "application/octet-stream", out -> {
            try (in) {
                in.transferTo(out);
            }
        });
    }

    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "the request needs '" + field + "'", "see docs/api.md");
        }
        return v.asText();
    }
}
