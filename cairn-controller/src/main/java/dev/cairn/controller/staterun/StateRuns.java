package dev.cairn.controller.staterun;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.NodeState;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.store.Versioned;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.source.SlsTree;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Cluster state runs: the controller compiles a source once (compile errors reject the run before
 * anything is sent), stores it, and queues one {@code state.run} work item per targeted node; each
 * agent executes its part and reports state by state. A node that goes down mid-run is reported
 * {@code lost}, never waited for forever.
 *
 * <p>Every change here is one store transaction carrying its event ({@code state.run.queued} with
 * the run, its parts and its work items; {@code state.result} with the result; the node's outcome
 * with the node part's new status), so the log holds an event exactly for what happened.
 */
public final class StateRuns {
    public static final StorePath RUNS = StorePath.of("state-runs");
    static final int MAX_BUNDLE_BYTES = 512 * 1024;

    public record StateRun(String id, String description, String target, String mode, boolean test, List<String> nodes, Instant createdAt) {}

    public record NodeRun(String node, String status, String workId, Instant startedAt, Instant finishedAt, String error,
                          Integer states, Integer failed, Integer changed) {
        boolean terminal() { return status.equals("succeeded") || status.equals("failed") || status.equals("lost"); }

        NodeRun with(String s, Instant started, Instant finished, String err, Integer st, Integer f, Integer c) {
            return new NodeRun(node, s, workId, started, finished, err, st, f, c);
        }
    }

    private final CoordinationStore store;
    private final NodeRegistry nodes;
    private final WorkQueue work;
    private final Clock clock;
    private final LongSupplier epoch;
    private final EventLog events;
    private final RunModules.Resolver modules;

    public StateRuns(CoordinationStore store, NodeRegistry nodes, WorkQueue work, Clock clock, LongSupplier epoch, EventLog events) {
        this(store, nodes, work, clock, epoch, events, RunModules.Resolver.NONE);
    }

    /** With {@code modules}: the published extension modules by name, which the compile accepts and agents fetch. */
    public StateRuns(CoordinationStore store, NodeRegistry nodes, WorkQueue work, Clock clock, LongSupplier epoch, EventLog events,
                     java.util.function.Function<java.util.Collection<String>, Map<String, dev.cairn.states.sign.PublishedModule>> modules) {
        this.modules = modules::apply;
        this.store = store;
        this.nodes = nodes;
        this.work = work;
        this.clock = clock;
        this.epoch = epoch;
        this.events = events;
    }

    /** Compiles and dispatches; returns the run, or throws COMPILE_ERROR listing every error (nothing sent). */
    public StateRun submit(SlsTree tree, String target, String modeName, boolean test) {
        Mode mode = Mode.parse(modeName == null ? "ansible" : modeName);
        byte[] bundle = Json.bytes(tree);
        if (bundle.length > MAX_BUNDLE_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "the state source is " + bundle.length / 1024 + " KiB; a cluster run takes at most "
                    + MAX_BUNDLE_BYTES / 1024 + " KiB of SLS", "move large files into packages and reference them with file.managed source:");
        }
        RunModules.Compiled withModules = RunModules.compile(tree, mode, modules);
        Compiler.Result compiled = withModules.result();
        if (!compiled.ok()) {
            throw new CairnException(ErrorCode.COMPILE_ERROR, "the states do not compile: " + String.join("; ", compiled.errors()),
                    String.join("; ", compiled.errors()).contains("no module named")
                            ? "fix the SLS and apply again; nothing was run (extension modules must be published first: 'cairn module list')"
                            : "fix the SLS and apply again; nothing was run");
        }
        List<String> targets = resolveTargets(target);
        long e = epoch.getAsLong();
        // the id first (an empty entry, which listings skip), then the run, its bundle, every node's
        // part, the work items and the event in one transaction: all of it exists or none of it
        StorePath runPath = store.createSequential(RUNS, "run-", new byte[0]);
        String id = runPath.name();
        StateRun run = new StateRun(id, tree.description(), target, mode.name().toLowerCase(), test, targets, clock.instant());
        List<StoreOp> ops = new ArrayList<>();
        ops.add(StoreOp.set(runPath, Json.bytes(run), StoreOp.ANY_VERSION));
        ops.add(StoreOp.create(runPath.child("bundle"), bundle));
        for (String n : targets) {
            ops.add(StoreOp.create(runPath.child("nodes").child(n), Json.bytes(new NodeRun(n, "queued", null, null, null, null, null, null, null))));
        }
        int firstWork = ops.size();
        // the published modules the plan uses, pinned to the versions compiled against; agents verify them
        Map<String, Object> payload = Map.of("run", id, "mode", run.mode(), "test", test, "modules", withModules.used());
        for (String n : targets) ops.add(work.submitOp(n, "state.run", e, payload));
        EventLog.Tx tx;
        try {
            tx = events.transact(ops, List.of(draft("state.run.queued", id, "state run " + id + " queued for " + targets.size() + " node(s): "
                    + String.join(", ", targets), Map.of("target", target, "mode", run.mode(), "nodes", targets))));
        } catch (RuntimeException ex) {
            store.delete(runPath, StoreOp.ANY_VERSION);
            throw ex;
        }
        if (!(tx.result() instanceof TxResult.Committed c)) {
            store.delete(runPath, StoreOp.ANY_VERSION);
            throw new CairnException(ErrorCode.INTERNAL, "the store refused state run " + id + ": " + tx.result(), "apply again");
        }
        // remember each part's work item (show() finds it by scanning when this is lost to a crash)
        for (int i = 0; i < targets.size(); i++) {
            String workId = c.paths().get(firstWork + i).name();
            update(id, targets.get(i), cur -> cur.workId() != null ? cur : new NodeRun(cur.node(), cur.status(), workId, cur.startedAt(),
                    cur.finishedAt(), cur.error(), cur.states(), cur.failed(), cur.changed()), null);
        }
        return run;
    }

    private static EventDraft draft(String type, String subject, String message, Map<String, ?> data) {
        return EventEmitter.draft(type, subject, message, data);
    }

    /** The work item that carries a node's part, for parts whose item id was never recorded. */
    private Optional<String> workIdFor(String id, String node) {
        for (StorePath dir : List.of(WorkQueue.WORK.child(node), WorkQueue.RESULTS.child(node))) {
            for (String w : store.children(dir)) {
                Optional<Versioned<byte[]>> v = store.get(dir.child(w));
                if (v.isEmpty()) continue;
                JsonNode payload = Json.tree(v.get().value()).path("payload");
                if (payload.path("run").asText().equals(id)) return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    List<String> resolveTargets(String target) {
        if (target == null || target.isBlank()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "a cluster run needs --target", "use a node-name glob like 'node-*' or label=value");
        }
        List<String> out = new ArrayList<>();
        int eq = target.indexOf('=');
        Pattern glob = eq < 0 ? Pattern.compile(globToRegex(target)) : null;
        for (NodeView n : nodes.list()) {
            boolean match = glob != null ? glob.matcher(n.name()).matches()
                    : target.substring(eq + 1).equals(n.labels().get(target.substring(0, eq)));
            if (match && n.up()) out.add(n.name());
        }
        if (out.isEmpty()) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no node that is up matches target '" + target + "'",
                    "see 'cairn node list'; targets are name globs (node-*) or label=value");
        }
        return out;
    }

    static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }

    public SlsTree bundle(String id) {
        return store.get(RUNS.child(id).child("bundle")).map(v -> Json.read(v.value(), SlsTree.class))
                .orElseThrow(() -> notFound(id));
    }

    public StateRun run(String id) {
        return store.get(RUNS.child(id)).filter(v -> v.value().length > 0).map(v -> Json.read(v.value(), StateRun.class))
                .orElseThrow(() -> notFound(id));
    }

    public List<StateRun> list() {
        List<StateRun> out = new ArrayList<>();
        for (String id : store.children(RUNS)) {
            store.get(RUNS.child(id)).filter(v -> v.value().length > 0).ifPresent(v -> out.add(Json.read(v.value(), StateRun.class)));
        }
        return out;
    }

    /** The run with every node's status and results; marks nodes that went down mid-run as lost. */
    public Map<String, Object> show(String id) {
        StateRun run = run(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", run.id());
        out.put("description", run.description());
        out.put("target", run.target());
        out.put("mode", run.mode());
        out.put("test", run.test());
        out.put("createdAt", run.createdAt());
        List<Map<String, Object>> nodeViews = new ArrayList<>();
        boolean done = true;
        boolean ok = true;
        Map<String, NodeState> liveness = new LinkedHashMap<>();
        for (NodeView n : nodes.list()) liveness.put(n.name(), n.state());
        for (String n : run.nodes()) {
            NodeRun nr = markLostIfDown(id, n, liveness.getOrDefault(n, NodeState.DOWN));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("node", n);
            v.put("status", nr.status());
            v.put("startedAt", nr.startedAt());
            v.put("finishedAt", nr.finishedAt());
            v.put("error", nr.error());
            v.put("states", results(id, n));
            nodeViews.add(v);
            done &= nr.terminal();
            ok &= nr.status().equals("succeeded");
        }
        out.put("status", !done ? "running" : ok ? "succeeded" : "failed");
        out.put("nodes", nodeViews);
        return out;
    }

    private NodeRun markLostIfDown(String id, String node, NodeState liveness) {
        StorePath p = RUNS.child(id).child("nodes").child(node);
        while (true) {
            Versioned<byte[]> v = store.get(p).orElseThrow(() -> notFound(id));
            NodeRun nr = Json.read(v.value(), NodeRun.class);
            if (nr.terminal()) return nr;
            if (nr.workId() == null) {
                Optional<String> w = workIdFor(id, node);
                if (w.isPresent()) nr = new NodeRun(nr.node(), nr.status(), w.get(), nr.startedAt(), nr.finishedAt(), nr.error(),
                        nr.states(), nr.failed(), nr.changed());
            }
            // the agent answered the work item without finishing the run (refused it, or its handler
            // failed before reporting): the run must say so instead of waiting forever
            Optional<Versioned<byte[]>> answered = nr.workId() == null ? Optional.empty()
                    : store.get(WorkQueue.RESULTS.child(node).child(nr.workId()));
            if (answered.isPresent()) {
                var result = WorkQueue.decodeResult(node, nr.workId(), answered.get().value());
                if (!result.ok()) {
                    JsonNode r = result.result();
                    String why = r == null ? "no result" : r.path("refused").asText(r.path("error").asText(r.toString()));
                    NodeRun failed = nr.with("failed", nr.startedAt(), clock.instant(), "the agent did not run it: " + why, null, null, null);
                    if (casWithEvent(p, failed, v.version(), draft("state.run.node.failed", id + "/" + node,
                            node + " did not run state run " + id + ": " + why, Map.of("run", id, "node", node)))) {
                        return failed;
                    }
                    continue;
                }
            }
            if (liveness.up()) return nr;
            NodeRun lost = nr.with("lost", nr.startedAt(), clock.instant(), "node " + node + " went down before finishing", null, null, null);
            if (casWithEvent(p, lost, v.version(), draft("state.run.lost", id, "node " + node + " went down during state run " + id,
                    Map.of("run", id, "node", node)))) {
                if (nr.workId() != null) work.cancel(node, nr.workId());
                return lost;
            }
        }
    }

    /** Replaces a node part at {@code version} and records {@code event} in the same transaction. */
    private boolean casWithEvent(StorePath p, NodeRun next, long version, EventDraft event) {
        return casWithEvents(p, next, version, event == null ? List.of() : List.of(event));
    }

    private boolean casWithEvents(StorePath p, NodeRun next, long version, List<EventDraft> drafts) {
        List<StoreOp> ops = List.of(StoreOp.set(p, Json.bytes(next), version));
        return (drafts.isEmpty() ? store.transact(ops) : events.transact(ops, drafts).result()).committed();
    }

    private List<JsonNode> results(String id, String node) {
        StorePath dir = RUNS.child(id).child("nodes").child(node).child("results");
        List<JsonNode> out = new ArrayList<>();
        for (String r : store.children(dir)) store.get(dir.child(r)).ifPresent(v -> out.add(Json.tree(v.value())));
        return out;
    }

    /** An agent reports that it started its part. */
    public void started(String id, String node) {
        update(id, node, nr -> nr.status().equals("queued") ? nr.with("running", clock.instant(), null, null, null, null, null) : nr,
                nr -> draft("state.run.node.started", id + "/" + node, node + " started state run " + id, Map.of("run", id, "node", node)));
    }

    /** An agent reports one state's result (idempotent per run_num). */
    public void result(String id, String node, JsonNode state) {
        requireNodeRun(id, node);
        int runNum = state.path("run_num").asInt(-1);
        if (runNum < 0) throw new CairnException(ErrorCode.BAD_REQUEST, "a state result needs run_num", null);
        StorePath p = RUNS.child(id).child("nodes").child(node).child("results").child(String.format("s-%06d", runNum));
        boolean failed = state.path("result").isBoolean() && !state.path("result").asBoolean();
        // the result and its event together; a repeated report (same run_num) conflicts and records nothing
        events.transact(List.of(StoreOp.create(p, Json.bytes(state))), List.of(draft("state.result", id + "/" + node,
                node + ": " + state.path("function").asText() + " " + state.path("id").asText() + (failed ? " failed" : " ok") + " — "
                        + state.path("comment").asText(""),
                Map.of("run", id, "node", node, "state", state.path("id").asText(), "run_num", runNum, "result", !failed))));
    }

    /** An agent reports its part finished, with every result (gaps from lost reports are filled). */
    public void finished(String id, String node, JsonNode body) {
        for (JsonNode s : body.path("results")) result(id, node, s);
        boolean ok = body.path("ok").asBoolean(false);
        String err = body.path("error").isMissingNode() || body.path("error").isNull() ? null : body.path("error").asText();
        // extension modules the agent refused to run (unsigned, tampered, untrusted)
        List<EventDraft> refused = new ArrayList<>();
        for (JsonNode r : body.path("refused")) {
            String module = r.path("module").asText();
            String reason = r.path("reason").asText();
            refused.add(draft("module.refused", module, node + " refused extension module " + module + ": " + reason,
                    Map.of("node", node, "reason", reason, "run", id)));
        }
        boolean[] alreadyEnded = {false};
        updateWithEvents(id, node, cur -> {
                    alreadyEnded[0] = cur.terminal();
                    return cur.terminal() ? cur : cur.with(ok ? "succeeded" : "failed",
                            cur.startedAt() == null ? clock.instant() : cur.startedAt(), clock.instant(), err,
                            body.path("states").isMissingNode() ? null : body.path("states").asInt(),
                            body.path("failed").isMissingNode() ? null : body.path("failed").asInt(),
                            body.path("changed").isMissingNode() ? null : body.path("changed").asInt());
                },
                nr -> {
                    List<EventDraft> drafts = new ArrayList<>();
                    drafts.add(draft(ok ? "state.run.node.succeeded" : "state.run.node.failed", id + "/" + node,
                            node + " finished state run " + id + ": " + nr.status() + (err == null ? "" : " (" + err + ")"), Map.of("run", id, "node", node)));
                    drafts.addAll(refused); // with the part's outcome
                    return drafts;
                });
        // the part had already ended (e.g. marked lost while its node was away): the refusals still
        // happened on the node, so they are recorded, on their own
        if (alreadyEnded[0] && !refused.isEmpty()) events.appendAll(refused);
    }

    private NodeRun requireNodeRun(String id, String node) {
        return store.get(RUNS.child(id).child("nodes").child(node)).map(v -> Json.read(v.value(), NodeRun.class))
                .orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "state run " + id + " has no part for node " + node, null));
    }

    /** Changes a node part; when it changed, records {@code event} (of the new part; may be null) with it. */
    private NodeRun update(String id, String node, java.util.function.UnaryOperator<NodeRun> f,
                           java.util.function.Function<NodeRun, EventDraft> event) {
        return updateWithEvents(id, node, f, event == null ? null : nr -> List.of(event.apply(nr)));
    }

    /** Changes a node part; when it changed, records {@code events} (of the new part; may be null) with it. */
    private NodeRun updateWithEvents(String id, String node, java.util.function.UnaryOperator<NodeRun> f,
                                     java.util.function.Function<NodeRun, List<EventDraft>> events) {
        StorePath p = RUNS.child(id).child("nodes").child(node);
        while (true) {
            Optional<Versioned<byte[]>> v = store.get(p);
            if (v.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "state run " + id + " has no part for node " + node, null);
            NodeRun cur = Json.read(v.get().value(), NodeRun.class);
            NodeRun next = f.apply(cur);
            if (next.equals(cur) || casWithEvents(p, next, v.get().version(), events == null ? List.of() : events.apply(next))) return next;
        }
    }

    private static CairnException notFound(String id) {
        return new CairnException(ErrorCode.NOT_FOUND, "no state run '" + id + "'", "see 'cairn state runs'");
    }
}
