package dev.cairn.controller.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/v1/nodes}: registration, heartbeats, listing, standby/online. */
public final class NodesApi {
    private NodesApi() {}

    public static void register(Router r, NodeRegistry nodes) {
        r.get("/api/v1/nodes", req -> Reply.ok(Map.of("nodes", nodes.list())));
        r.get("/api/v1/nodes/{name}", req -> {
            String name = req.param("name");
            return nodes.list().stream().filter(n -> n.name().equals(name)).findFirst().<Reply>map(Reply::ok)
                    .orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "node '" + name + "' does not exist", "see 'cairn node list'"));
        });
        r.post("/api/v1/nodes", req -> {
            JsonNode body = req.json();
            String name = body.path("name").asText(null);
            if (name == null) throw new CairnException(ErrorCode.BAD_REQUEST, "registration needs a 'name'", null);
            Map<String, String> labels = new LinkedHashMap<>();
            body.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return Reply.ok(nodes.register(name, labels));
        });
        r.post("/api/v1/nodes/{name}/heartbeat", req -> Reply.ok(Map.of("time", nodes.heartbeat(req.param("name")).toString())));
        r.post("/api/v1/nodes/{name}/standby", req -> Reply.ok(nodes.setStandby(req.param("name"), true)));
        r.post("/api/v1/nodes/{name}/online", req -> Reply.ok(nodes.setStandby(req.param("name"), false)));
    }
}
