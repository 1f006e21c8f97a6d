package dev.cairn.controller.staterun;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.http.LongPoll;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.states.source.SlsTree;
import java.util.Map;

/** {@code /api/v1/state-runs}: submit, list, show (optionally waiting for the end); the agents' bundle fetch and result reports. */
public final class StateRunsApi {
    private StateRunsApi() {}

    public static void register(Router r, StateRuns runs) {
        r.post("/api/v1/state-runs", req -> {
            JsonNode b = req.json();
            if (!b.hasNonNull("source")) throw new CairnException(ErrorCode.BAD_REQUEST, "the request needs 'source' (an SLS tree)", null);
            SlsTree tree = Json.MAPPER.convertValue(b.get("source"), SlsTree.class);
            return Reply.accepted(runs.submit(tree, b.path("target").asText(null), b.path("mode").asText("ansible"), b.path("test").asBoolean(false)));
        });
        r.get("/api/v1/state-runs", req -> Reply.ok(Map.of("runs", runs.list())));
        // ?wait=30s: answers once the run has ended, or after the wait with the run as it is (a long-poll)
        r.get("/api/v1/state-runs/{id}", req -> Reply.ok(runs.await(req.param("id"), LongPoll.waitParam(req))));
        r.get("/api/v1/state-runs/{id}/bundle", req -> Reply.ok(runs.bundle(req.param("id"))));
        r.post("/api/v1/state-runs/{id}/nodes/{node}/started", req -> {
            runs.started(req.param("id"), req.param("node"));
            return Reply.ok(Map.of());
        });
        r.post("/api/v1/state-runs/{id}/nodes/{node}/results", req -> {
            runs.result(req.param("id"), req.param("node"), req.json());
            return Reply.ok(Map.of());
        });
        r.post("/api/v1/state-runs/{id}/nodes/{node}/finished", req -> {
            runs.finished(req.param("id"), req.param("node"), req.json());
            return Reply.ok(Map.of());
        });
    }
}
