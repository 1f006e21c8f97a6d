package dev.cairn.controller.staterun;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.controller.http.LongPoll;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.controller.work.WorkResult;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.NodeState;
import dev.cairn.core.api.NodeView;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.source.SlsTree;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Cluster state runs, and the one owner of {@code /state-runs}: the controller compiles a source
 * once (compile errors reject the run before anything is sent), stores it, and queues one
 * {@code state.run} work item per targeted node; each agent executes its part and reports state by
 * state. A node that goes down mid-run is reported {@code lost}, never waited for forever: the
 * leader's {@link StateRunWatch} looks ({@link #reconcile}); reading a run ({@link #show}) changes
 * nothing.
 *
 * <p>Every change here is one store transaction carrying its event ({@code state.run.queued} with
 * the run, its parts and its work items; {@code state.result} with the result; the node's outcome
 * with the node part's new status), made with {@link Records#update}, so the log holds an event
 * exactly for what happened.
 */
public final class StateRuns {
    public static final StorePath RUNS = StorePath.of("state-runs");
    static final int MAX_BUNDLE_BYTES = 512 * 1024;
    static final String KIND = "state.run";

    /** A node part's status; JSON: the lower-case name. */
    public enum PartStatus {
        QUEUED, RUNNING, SUCCEEDED, FAILED, LOST;

        @JsonValue
        public String json() { return name().toLowerCase(Locale.ROOT); }

        public boolean ended() { return this == SUCCEEDED || this == FAILED || this == LOST; }
    }

    /** A run's status: running until every part ended, then succeeded when every part did; JSON: the lower-case name. */
    public enum RunStatus {
        RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String json() { return name().toLowerCase(Locale.ROOT); }

        static RunStatus of(Collection<PartStatus> parts) {
            if (parts.stream().anyMatch(p -> !p.ended())) return RUNNING;
            return parts.stream().allMatch(p -> p == PartStatus.SUCCEEDED) ? SUCCEEDED : FAILED;
        }
    }

    public record StateRun(String id, String description, String target, String mode, boolean test, List<String> nodes, Instant createdAt) {}

    /** One node's part as stored at {@code /state-runs/<id>/nodes/<node>}. */
    public record NodeRun(String node, PartStatus status, String workId, Instant startedAt, Instant finishedAt, String error,
                          Integer states, Integer failed, Integer changed) {
        boolean ended() { return status.ended(); }

        NodeRun with(PartStatus s, Instant started, Instant finished, String err, Integer st, Integer f, Integer c) {
            return new NodeRun(node, s, workId, started, finished, err, st, f, c);
        }

        NodeRun withWorkId(String w) {
            return new NodeRun(node, status, w, startedAt, finishedAt, error, states, failed, changed);
        }
    }

    /** What {@code GET /api/v1/state-runs/{id}} answers: the run with every node's part and its per-state results. */
    public record RunView(String id, String description, String target, String mode, boolean test, Instant createdAt, RunStatus status,
                          List<PartView> nodes) {
        /** Why a failed run failed: the first part that did not succeed, with its first failed state (else its error). */
        public String failure() {
            for (PartView n : nodes) {
                if (n.status() == PartStatus.SUCCEEDED) continue;
                String why = n.error();
                for (JsonNode st : n.states()) {
                    if (st.path("result").isBoolean() && !st.path("result").asBoolean()) {
                        why = st.path("id").asText() + ": " + st.path("comment").asText();
                        break;
                    }
                }
                return "state run " + id + " on " + n.node() + " " + n.status().json() + (why == null ? "" : " (" + why + ")");
            }
            return "state run " + id + " failed";
        }
    }

    /** One node's part of a {@link RunView}; {@code states} in the {@code state apply --local --json} shape. */
    public record PartView(String node, PartStatus status, Instant startedAt, Instant finishedAt, String error, List<JsonNode> states) {}

    private final CoordinationStore store;
    private final NodeRegistry nodes;
    private final WorkQueue work;
    private final Clock clock;
    private final LongSupplier epoch;
    private final EventLog events;
    private final RunModules.Resolver modules;
    private final Records<StateRun> runs;
    private final Records<NodeRun> parts;
    private final Records<JsonNode> results;

    public StateRuns(CoordinationStore store, NodeRegistry nodes, WorkQueue work, Clock clock, LongSupplier epoch, EventLog events) {
        this(store, nodes, work, clock, epoch, events, RunModules.Resolver.NONE);
    }

    /** With {@code modules}: the published extension modules by name, which the compile accepts and agents fetch. */
    public StateRuns(CoordinationStore store, NodeRegistry nodes, WorkQueue work, Clock clock, LongSupplier epoch, EventLog events,
                     Function<Collection<String>, Map<String, dev.cairn.states.sign.PublishedModule>> modules) {
        this.modules = modules::apply;
        this.store = store;
        this.nodes = nodes;
        this.work = work;
        this.clock = clock;
        this.epoch = epoch;
        this.events = events;
        this.runs = new Records<>(store, events, StateRun.class);
        this.parts = new Records<>(store, events, NodeRun.class);
        this.results = new Records<>(store, events, JsonNode.class);
    }

    private static StorePath part(String id, String node) {
        return RUNS.child(id).child("nodes").child(node);
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
        StateRun run = new StateRun(id, tree.description(), target, mode.name().toLowerCase(Locale.ROOT), test, targets, clock.instant());
        List<StoreOp> ops = new ArrayList<>();
        ops.add(StoreOp.set(runPath, Json.bytes(run), StoreOp.ANY_VERSION));
        ops.add(StoreOp.create(runPath.child("bundle"), bundle));
        for (String n : targets) {
            ops.add(StoreOp.create(part(id, n), Json.bytes(new NodeRun(n, PartStatus.QUEUED, null, null, null, null, null, null, null))));
        }
        int firstWork = ops.size();
        // the published modules the plan uses, pinned to the versions compiled against; agents verify them
        Map<String, Object> payload = Map.of("run", id, "mode", run.mode(), "test", test, "modules", withModules.used());
        for (String n : targets) ops.add(work.submitOp(n, KIND, e, payload));
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
        // remember each part's work item (the watch finds it through the work queue when this is lost to a crash)
        for (int i = 0; i < targets.size(); i++) {
            String workId = c.paths().get(firstWork + i).name();
            parts.update(part(id, targets.get(i)), cur -> cur.isEmpty() || cur.get().workId() != null ? Change.none()
                    : Change.put(cur.get().withWorkId(workId)));
        }
        return run;
    }

    private static EventDraft draft(String type, String subject, String message, Map<String, ?> data) {
        return EventEmitter.draft(type, subject, message, data);
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
        return runs.find(RUNS.child(id)).orElseThrow(() -> notFound(id));
    }

    public List<StateRun> list() {
        return runs.list(RUNS);
    }

    /** The run with every node's status and results, as stored: reading changes nothing. */
    public RunView show(String id) {
        StateRun run = run(id);
        List<PartView> views = new ArrayList<>();
        List<PartStatus> statuses = new ArrayList<>();
        for (String n : run.nodes()) {
            NodeRun nr = parts.find(part(id, n)).orElseThrow(() -> notFound(id));
            views.add(new PartView(n, nr.status(), nr.startedAt(), nr.finishedAt(), nr.error(), results.list(part(id, n).child("results"))));
            statuses.add(nr.status());
        }
        return new RunView(run.id(), run.description(), run.target(), run.mode(), run.test(), run.createdAt(), RunStatus.of(statuses), views);
    }

    /** {@link #show}, waiting up to {@code wait} while the run is running; woken by a watch on its parts. */
    public RunView await(String id, Duration wait) throws InterruptedException {
        return LongPoll.await(wait, List.of(changed -> watch(id, changed)), () -> show(id), v -> v.status() != RunStatus.RUNNING);
    }

    /** Calls {@code changed} whenever a node part of run {@code id} changes (not for each state result); close to stop. */
    public AutoCloseable watch(String id, Runnable changed) {
        return store.watch(RUNS.child(id).child("nodes"), e -> {
            if (e.path().segments().size() == 4) changed.run();
        });
    }

    /** The ids of the stored runs (a run being submitted may not be readable yet). */
    List<String> ids() {
        return store.children(RUNS);
    }

    /** The names of the nodes that are up now. */
    Set<String> upNodes() {
        Set<String> up = new HashSet<>();
        for (NodeView n : nodes.list()) if (n.up()) up.add(n.name());
        return up;
    }

    /**
     * The leader's look at one run: a part whose work item the agent answered without running it
     * (refused it, or its handler failed before reporting) is reported failed, and a part whose
     * node is not in {@code up} is reported lost and its work withdrawn, each with its event.
     * Returns the run's status afterwards; empty when there is no such run (yet).
     */
    Optional<RunStatus> reconcile(String id, Set<String> up) {
        Optional<StateRun> run = runs.find(RUNS.child(id));
        if (run.isEmpty()) return Optional.empty();
        List<PartStatus> statuses = new ArrayList<>();
        for (String n : run.get().nodes()) {
            Optional<NodeRun> nr = parts.find(part(id, n));
            if (nr.isEmpty()) return Optional.empty();
            statuses.add(nr.get().ended() ? nr.get().status() : reconcilePart(id, nr.get(), up.contains(n)));
        }
        return Optional.of(RunStatus.of(statuses));
    }

    private PartStatus reconcilePart(String id, NodeRun nr, boolean up) {
        String node = nr.node();
        StorePath p = part(id, node);
        String workId = nr.workId();
        if (workId == null) {
            workId = work.findId(node, KIND, payload -> payload.path("run").asText().equals(id)).orElse(null);
            if (workId != null) {
                String found = workId;
                parts.update(p, cur -> cur.isEmpty() || cur.get().workId() != null ? Change.none() : Change.put(cur.get().withWorkId(found)));
            }
        }
        // the agent answered the work item without finishing the run: the run must say so instead of waiting forever
        Optional<WorkResult> answered = workId == null ? Optional.empty() : work.result(node, workId);
        if (answered.isPresent() && !answered.get().ok()) {
            JsonNode r = answered.get().result();
            String why = r == null ? "no result" : r.path("refused").asText(r.path("error").asText(r.toString()));
            return endPart(p, cur -> cur.with(PartStatus.FAILED, cur.startedAt(), clock.instant(), "the agent did not run it: " + why, null, null, null),
                    draft("state.run.node.failed", id + "/" + node, node + " did not run state run " + id + ": " + why, Map.of("run", id, "node", node)));
        }
        if (up) return nr.status();
        PartStatus s = endPart(p, cur -> cur.with(PartStatus.LOST, cur.startedAt(), clock.instant(), "node " + node + " went down before finishing",
                null, null, null), draft("state.run.lost", id, "node " + node + " went down during state run " + id, Map.of("run", id, "node", node)));
        if (s == PartStatus.LOST && workId != null) work.cancel(node, workId);
        return s;
    }

    /** Ends a part that has not ended yet, with {@code event}; returns its status afterwards. */
    private PartStatus endPart(StorePath p, UnaryOperator<NodeRun> end, EventDraft event) {
        Records.Updated<NodeRun> u = parts.update(p, cur -> cur.isEmpty() || cur.get().ended() ? Change.none() : Change.put(end.apply(cur.get()), event));
        return u.after().map(NodeRun::status).orElse(PartStatus.LOST);
    }

    /** An agent reports that it started its part. */
    public void started(String id, String node) {
        parts.update(part(id, node), cur -> {
            NodeRun nr = cur.orElseThrow(() -> noPart(id, node));
            return nr.status() != PartStatus.QUEUED ? Change.none()
                    : Change.put(nr.with(PartStatus.RUNNING, clock.instant(), null, null, null, null, null),
                    draft("state.run.node.started", id + "/" + node, node + " started state run " + id, Map.of("run", id, "node", node)));
        });
    }

    /** An agent reports one state's result (idempotent per run_num). */
    public void result(String id, String node, JsonNode state) {
        if (parts.find(part(id, node)).isEmpty()) throw noPart(id, node);
        int runNum = state.path("run_num").asInt(-1);
        if (runNum < 0) throw new CairnException(ErrorCode.BAD_REQUEST, "a state result needs run_num", null);
        StorePath p = part(id, node).child("results").child(String.format("s-%06d", runNum));
        boolean failed = state.path("result").isBoolean() && !state.path("result").asBoolean();
        // the result and its event together; a repeated report (same run_num) changes and records nothing
        results.update(p, cur -> cur.isPresent() ? Change.none() : Change.put(state, draft("state.result", id + "/" + node,
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
        Records.Updated<NodeRun> u = parts.update(part(id, node), cur -> {
            NodeRun nr = cur.orElseThrow(() -> noPart(id, node));
            if (nr.ended()) return Change.none();
            NodeRun next = nr.with(ok ? PartStatus.SUCCEEDED : PartStatus.FAILED, nr.startedAt() == null ? clock.instant() : nr.startedAt(),
                    clock.instant(), err, count(body, "states"), count(body, "failed"), count(body, "changed"));
            List<EventDraft> drafts = new ArrayList<>();
            drafts.add(draft(ok ? "state.run.node.succeeded" : "state.run.node.failed", id + "/" + node,
                    node + " finished state run " + id + ": " + next.status().json() + (err == null ? "" : " (" + err + ")"), Map.of("run", id, "node", node)));
            drafts.addAll(refused); // with the part's outcome
            return Change.put(next, drafts);
        });
        // the part had already ended (e.g. marked lost while its node was away): the refusals still
        // happened on the node, so they are recorded, on their own
        if (!u.changed() && !refused.isEmpty()) events.appendAll(refused);
    }

    private static Integer count(JsonNode body, String field) {
        return body.path(field).isMissingNode() ? null : body.path(field).asInt();
    }

    private static CairnException noPart(String id, String node) {
        return new CairnException(ErrorCode.NOT_FOUND, "state run " + id + " has no part for node " + node, null);
    }

    private static CairnException notFound(String id) {
        return new CairnException(ErrorCode.NOT_FOUND, "no state run '" + id + "'", "see 'cairn state runs'");
    }
}
