package dev.cairn.controller.work;

import dev.cairn.controller.http.LongPoll;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/nodes/{name}/work?wait=25s} (long poll: the node's queued work, waiting for
 * some when there is none) and {@code POST /api/v1/nodes/{name}/work/{id}} (the result; removes the item).
 */
public final class WorkApi {
    static final Duration MAX_WAIT = LongPoll.MAX_WAIT;

    private WorkApi() {}

    public static void register(Router r, WorkQueue queue, WorkInbox inbox) {
        r.get("/api/v1/nodes/{name}/work", req -> {
            String node = Names.requireNode(req.param("name"));
            Duration wait = parseWait(req.query("wait").orElse("0"));
            List<WorkItem> items = inbox.poll(node, wait);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("epoch", queue.publishedEpoch());
            body.put("items", items);
            return Reply.ok(body);
        });
        r.post("/api/v1/nodes/{name}/work", req -> {
            String node = Names.requireNode(req.param("name"));
            com.fasterxml.jackson.databind.JsonNode results = req.json().path("results");
            if (!results.isObject()) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "the request needs 'results': an object of work id to result",
                        "send {\"results\":{\"w-0000000042\":{\"ok\":true}}}");
            }
            Map<String, com.fasterxml.jackson.databind.JsonNode> byId = new LinkedHashMap<>();
            results.fields().forEachRemaining(e -> byId.put(e.getKey(), e.getValue()));
            int removed = queue.completeAll(node, byId, inbox::cached);
            return Reply.ok(Map.of("acknowledged", byId.size(), "removed", removed));
        });
        r.post("/api/v1/nodes/{name}/work/{id}", req -> {
            String node = Names.requireNode(req.param("name"));
            boolean removed = queue.complete(node, req.param("id"), req.json());
            return Reply.ok(Map.of("acknowledged", true, "removed", removed));
        });
    }

    static Duration parseWait(String v) {
        return LongPoll.parseWait(v);
    }
}
