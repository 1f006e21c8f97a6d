package dev.cairn.agent.states;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.agent.work.AgentWork;
import dev.cairn.agent.work.WorkHandler;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.states.StateEngine;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateResult;
import dev.cairn.states.modules.DefaultSourceFetcher;
import dev.cairn.states.modules.LocalServiceSupervisor;
import dev.cairn.states.source.SlsTree;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work of kind {@code state.run}: fetch the run's SLS bundle from the controller, compile it (the
 * controller already rejected compile errors; the compiler is pure, so this gives the same plan),
 * execute it here, and report each state's result as soon as it is final.
 */
public final class StateRunHandler implements WorkHandler {
    public static final String KIND = "state.run";

    private final String node;
    private final ApiClient client;
    private final Path stateDir;

    public StateRunHandler(String node, ApiClient client, Path stateDir) {
        this.node = node;
        this.client = client;
        this.stateDir = stateDir;
    }

    @Override
    public JsonNode handle(AgentWork work) {
        String runId = work.payload().path("run").asText();
        Mode mode = Mode.parse(work.payload().path("mode").asText("ansible"));
        boolean test = work.payload().path("test").asBoolean(false);
        String base = "/api/v1/state-runs/" + runId + "/nodes/" + node;
        SlsTree tree = Json.MAPPER.convertValue(client.get("/api/v1/state-runs/" + runId + "/bundle"), SlsTree.class);
        client.post(base + "/started", null);

        RunContext ctx = new RunContext(stateDir, new LocalServiceSupervisor(stateDir), new DefaultSourceFetcher(null, null), Map.of());
        StateEngine engine = StateEngine.withBuiltins(ctx);
        Compiler.Result compiled = engine.compile(tree::load, tree.top(), mode);
        ObjectNode res = Json.MAPPER.createObjectNode();
        if (!compiled.ok()) {
            res.put("ok", false).putPOJO("errors", compiled.errors());
            client.post(base + "/finished", Map.of("ok", false, "error", String.join("; ", compiled.errors())));
            return res;
        }
        AtomicInteger reported = new AtomicInteger();
        RunOptions opts = RunOptions.defaults().withTest(test).withListener(r -> {
            try {
                client.post(base + "/results", view(r));
                reported.incrementAndGet();
            } catch (RuntimeException e) {
                // the final report below carries every result again
            }
        });
        RunReport report = engine.run(compiled.plan(), opts);
        Map<String, Object> fin = new LinkedHashMap<>();
        fin.put("ok", report.allSucceeded());
        fin.put("states", report.results().size());
        fin.put("failed", report.failedCount());
        fin.put("changed", report.changedCount());
        fin.put("results", report.results().stream().map(StateRunHandler::view).toList());
        client.post(base + "/finished", fin);
        res.put("ok", report.allSucceeded()).put("states", report.results().size()).put("failed", report.failedCount());
        return res;
    }

    /** The shape of {@code cairn state apply --json}'s per-state entries. */
    public static Map<String, Object> view(StateResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("function", r.module() + "." + r.function());
        m.put("name", r.name());
        m.put("result", r.result());
        m.put("changes", r.changes());
        m.put("comment", r.comment());
        m.put("run_num", r.runNum());
        m.put("duration_ms", r.durationMs());
        return m;
    }
}
