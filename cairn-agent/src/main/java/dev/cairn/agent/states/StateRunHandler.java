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
import dev.cairn.states.exec.ServiceSupervisor;
import dev.cairn.states.exec.StateResult;
import dev.cairn.states.modules.DefaultSourceFetcher;
import dev.cairn.states.source.SlsTree;
import dev.cairn.core.CairnException;
import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.modules.Modules;
import dev.cairn.states.sign.ExtensionModules;
import dev.cairn.states.sign.ModuleKeys;
import dev.cairn.states.sign.PublishedModule;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work of kind {@code state.run}: fetch the run's SLS bundle from the controller, compile it (the
 * controller already rejected compile errors; the compiler is pure, so this gives the same plan),
 * execute it here, and report each state's result as soon as it is final.
 *
 * <p>The published extension modules the run uses (named in the work item, pinned to the version
 * the controller compiled against) are fetched and their Ed25519 signatures verified against this
 * node's trusted keys before anything runs; when one is refused (unsigned, tampered with, signed by
 * an untrusted key, not fetchable) nothing runs, its states fail with the reason and the finished
 * report names it, so the controller records a {@code module.refused} event with the part's outcome.
 */
public final class StateRunHandler implements WorkHandler {
    public static final String KIND = "state.run";

    private final String node;
    private final ApiClient client;
    private final Path stateDir;
    private final Path trustedKeys;
    private final ModuleFetcher fetcher;
    private final ServiceSupervisor services;

    /**
     * @param trustedKeys a directory of {@code *.pub}/{@code *.pem} Ed25519 public keys (or one key
     *                    file), read at every run that uses extension modules
     * @param services    the agent's service supervisor, which runs the services that
     *                    {@code service.running} states start ({@link StateServices})
     */
    public StateRunHandler(String node, ApiClient client, Path stateDir, Path trustedKeys, dev.cairn.agent.service.ServiceSupervisor services) {
        this.node = node;
        this.client = client;
        this.stateDir = stateDir;
        this.trustedKeys = trustedKeys;
        this.fetcher = new ModuleFetcher(client);
        this.services = new StateServices(services);
    }

    @Override
    public JsonNode handle(AgentWork work) {
        String runId = work.payload().path("run").asText();
        Mode mode = Mode.parse(work.payload().path("mode").asText("ansible"));
        boolean test = work.payload().path("test").asBoolean(false);
        String base = "/api/v1/state-runs/" + runId + "/nodes/" + node;
        SlsTree tree = Json.MAPPER.convertValue(client.get("/api/v1/state-runs/" + runId + "/bundle"), SlsTree.class);
        client.post(base + "/started", null);

        // services are the agent's supervisor's: supervised, logged and adopted like a deployment's
        RunContext ctx = new RunContext(stateDir, services, new DefaultSourceFetcher(null, null), Map.of());
        // published extension modules the run uses: fetched and verified before anything runs
        Map<String, StateModule> modules = new LinkedHashMap<>(Modules.builtins());
        Map<String, String> refused = new LinkedHashMap<>();
        prepareModules(work.payload().path("modules"), modules, refused);
        StateEngine engine = new StateEngine(modules, ctx);
        Compiler.Result compiled = engine.compile(tree::load, tree.top(), mode);
        ObjectNode res = Json.MAPPER.createObjectNode();
        if (!compiled.ok()) {
            res.put("ok", false).putPOJO("errors", compiled.errors());
            client.post(base + "/finished", Map.of("ok", false, "error", String.join("; ", compiled.errors())));
            return res;
        }
        if (!refused.isEmpty()) return refuse(base, compiled.plan(), refused);
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

    private void prepareModules(JsonNode wanted, Map<String, StateModule> modules, Map<String, String> refused) {
        if (!wanted.isArray() || wanted.isEmpty()) return;
        List<PublicKey> trusted;
        String keysProblem = null;
        try {
            trusted = ModuleKeys.readTrusted(trustedKeys);
        } catch (CairnException e) {
            trusted = List.of();
            keysProblem = "the trusted keys cannot be read: " + e.getMessage();
        }
        for (JsonNode w : wanted) {
            PublishedModule m = Json.MAPPER.convertValue(w, PublishedModule.class);
            String reason;
            if (keysProblem != null) {
                reason = keysProblem;
            } else if (trusted.isEmpty()) {
                reason = "no trusted public keys on this node (" + trustedKeys + ")";
            } else {
                reason = install(m, trusted, modules);
            }
            if (reason != null) {
                refused.put(m.name(), reason);
                modules.put(m.name(), ExtensionModules.unavailable(m, "refused: " + reason));
            }
        }
    }

    /** Fetches and verifies one module; null when it is ready to run, else why it is refused. */
    private String install(PublishedModule m, List<PublicKey> trusted, Map<String, StateModule> modules) {
        ModuleFetcher.Fetched f;
        try {
            f = fetcher.fetch(m);
        } catch (CairnException e) {
            return e.getMessage();
        }
        String version = m.sha256() != null ? m.sha256() : ExtensionModules.sha256Hex(f.bytes());
        ExtensionModules.Installed in = ExtensionModules.install(m.name(), f.bytes(), f.signature(), m.sha256(), m.functions(), trusted,
                stateDir.resolve("fetched-modules").resolve(m.name()).resolve(version.substring(0, 16)), stateDir);
        if (in.refused() != null) return in.refused();
        modules.put(m.name(), in.module());
        return null;
    }

    /** Nothing runs: the states of refused modules fail with the reason, the part fails, the controller records the events. */
    private JsonNode refuse(String base, Plan plan, Map<String, String> refused) {
        List<Map<String, Object>> results = new ArrayList<>();
        int runNum = 0;
        for (Chunk c : plan.chunks()) {
            if (!refused.containsKey(c.module())) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("function", c.fullName());
            m.put("name", c.name());
            m.put("result", false);
            m.put("changes", Map.of());
            m.put("comment", "Extension module '" + c.module() + "' refused on " + node + ": " + refused.get(c.module())
                    + "; nothing in this run was executed here");
            m.put("run_num", runNum++);
            m.put("duration_ms", 0);
            results.add(m);
        }
        List<Map<String, String>> why = new ArrayList<>();
        refused.forEach((k, v) -> why.add(Map.of("module", k, "reason", v)));
        String error = String.join("; ", refused.keySet().stream().map(k -> "extension module " + k + " refused: " + refused.get(k)).toList())
                + "; nothing was run";
        Map<String, Object> fin = new LinkedHashMap<>();
        fin.put("ok", false);
        fin.put("error", error);
        fin.put("states", results.size());
        fin.put("failed", results.size());
        fin.put("changed", 0);
        fin.put("results", results);
        fin.put("refused", why);
        client.post(base + "/finished", fin);
        ObjectNode res = Json.MAPPER.createObjectNode();
        res.put("ok", false).put("error", error);
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
