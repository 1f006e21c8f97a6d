package dev.cairn.controller.modules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.cairn.states.sign.PublishedModule;

/**
 * {@code /api/v1/modules}: publish (signed bytes, or an http(s) URL), list, show and remove
 * extension modules; agents fetch a version's executable and signature.
 */
public final class ModulesApi {
    /** The header carrying the base64 Ed25519 signature of a published executable (or query parameter {@code signature}). */
    public static final String SIGNATURE_HEADER = "X-Cairn-Signature";

    /** {@code GET /api/v1/modules}. */
    public record ModuleList(List<PublishedModule> modules) {}

    /** {@code DELETE /api/v1/modules/{name}}: the manifest that was removed. */
    public record Removed(PublishedModule removed) {}

    private ModulesApi() {}

    public static void register(Router r, ModuleStore modules) {
        r.get("/api/v1/modules", req -> Reply.ok(new ModuleList(modules.list())));
        r.get("/api/v1/modules/{name}", req -> Reply.ok(modules.get(req.param("name"))));
        r.post("/api/v1/modules/{name}", req -> {
            String type = req.header("Content-Type").orElse("");
            if (type.startsWith("application/json")) {
                JsonNode b = req.json();
                List<String> fns = new ArrayList<>();
                b.path("functions").forEach(f -> fns.add(f.asText()));
                return Reply.created(modules.publishUrl(req.param("name"), b.path("url").asText(null), fns));
            }
            List<String> fns = req.query("functions").map(f -> Arrays.stream(f.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
            return Reply.created(modules.publish(req.param("name"), req.body(), req.header(SIGNATURE_HEADER).or(() -> req.query("signature")).orElse(null), fns));
        });
        r.delete("/api/v1/modules/{name}", req -> Reply.ok(new Removed(modules.remove(req.param("name")))));
        r.get("/api/v1/modules/{name}/versions/{sha256}/executable", req -> {
            InputStream in = modules.openExecutable(req.param("name"), req.param("sha256"));
            return new Reply.StreamReply(200, "application/octet-stream", out -> {
                try (in) {
                    in.transferTo(out);
                }
            });
        });
        r.get("/api/v1/modules/{name}/versions/{sha256}/signature",
                req -> Reply.text("text/plain", modules.signature(req.param("name"), req.param("sha256"))));
    }
}
