package dev.cairn.states.exec;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.compile.Plan.Edge;
import dev.cairn.states.exec.Invoker.Timed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Executes a compiled {@link Plan}. {@code ansible} walks the plan's order one state at a time
 * exactly as Salt's call_chunks does; {@code justdoit} and {@code genius} dispatch every node
 * whose dependencies are final at once on virtual threads (bounded by a semaphore). Requisite
 * decisions are the same pure function in every mode; all bookkeeping happens on the calling
 * thread, so results and run numbers need no locks.
 */
public final class StateExecutor {
    private final Plan plan;
    private final RunOptions options;
    private final Invoker invoker;
    private final Requisites requisites;
    private final Map<String, StateResult> running = new ConcurrentHashMap<>();
    private final Map<String, StateResult> pre = new ConcurrentHashMap<>();
    private final Map<String, List<StateResult>> byId = new ConcurrentHashMap<>();
    private int runNum;
    private boolean failhardStopped;

    public StateExecutor(Plan plan, Map<String, StateModule> modules, RunContext context, RunOptions options) {
        this.plan = plan;
        this.options = options;
        this.invoker = new Invoker(modules, context);
        this.requisites = new Requisites(plan);
        for (Chunk c : plan.chunks()) {
            if (!modules.containsKey(c.module())) {
                throw new CairnException(ErrorCode.COMPILE_ERROR, "no module '" + c.module() + "' on this node for state '" + c.id() + "'",
                        "install or trust the extension module, or remove the state");
            }
        }
    }

    public RunReport run() {
        if (plan.mode() == Mode.ANSIBLE) sequential();
        else parallel();
        if (!failhardStopped) listen();
        return new RunReport(new ArrayList<>(running.values()), failhardStopped);
    }

    // ---- sequential (Salt's call_chunks / call_chunk / _call_unmet_requisites) ----

    private void sequential() {
        for (int node : plan.order()) {
            Chunk c = plan.chunkOf(node);
            if (running.containsKey(c.tag())) continue;
            callChunk(node, 0);
            if (failhardStopped || failhard(c)) { failhardStopped = true; return; }
        }
    }

    private void callChunk(int node, int depth) {
        Chunk chunk = plan.chunkOf(node);
        Decision d = requisites.decide(node, running, pre);
        if (d instanceof Decision.Unmet) {
            for (Edge e : requisites.deps(node)) {
                Chunk dep = plan.chunkOf(e.from());
                if (running.containsKey(dep.tag())) continue;
                if (e.type().base().equals("prereq") && pre.containsKey(dep.tag())) continue;
                callChunk(e.from(), depth + 1);
                if (failhard(dep)) { failhardStopped = true; return; }
            }
            if (depth + 1 >= 20) {
                record(chunk, chunk.function(), StateReturn.failed("Recursive requisite found"), Instant.now(), Instant.now(), false);
                return;
            }
            callChunk(node, depth + 1);
            return;
        }
        apply(node, d, d instanceof Decision.Call call ? invoke(chunk, call) : List.of());
    }

    // ---- justdoit / genius ----

    private record Done(int node, Decision decision, List<Timed> timed) {}

    private void parallel() {
        int n = plan.nodes().size();
        int[] indeg = new int[n];
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new ArrayList<>());
        for (Edge e : plan.edges()) { indeg[e.to()]++; out.get(e.from()).add(e.to()); }
        int[] position = new int[n];
        for (int i = 0; i < plan.order().size(); i++) position[plan.order().get(i)] = i;
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>(java.util.Comparator.comparingInt(i -> position[i]));
        for (int i = 0; i < n; i++) if (indeg[i] == 0) ready.add(i);
        LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
        Semaphore permits = new Semaphore(Math.max(1, options.parallelism()));
        int inFlight = 0;
        int finished = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (finished < n) {
                while (!failhardStopped && !ready.isEmpty()) {
                    int node = ready.poll();
                    Decision d = requisites.decide(node, running, pre);
                    if (d instanceof Decision.Call call) {
                        Chunk chunk = plan.chunkOf(node);
                        inFlight++;
                        pool.submit(() -> {
                            try {
                                permits.acquire();
                                try {
                                    done.add(new Done(node, d, invoke(chunk, call)));
                                } finally {
                                    permits.release();
                                }
                            } catch (InterruptedException ie) {
                                Thread.currentThread().interrupt();
                                done.add(new Done(node, d, List.of(new Timed(StateReturn.failed("interrupted"), Instant.now(), Instant.now(), chunk.function()))));
                            } catch (RuntimeException re) {
                                done.add(new Done(node, d, List.of(new Timed(StateReturn.failed(re.toString()), Instant.now(), Instant.now(), chunk.function()))));
                            }
                        });
                    } else {
                        done.add(new Done(node, d, List.of()));
                        inFlight++;
                    }
                }
                if (inFlight == 0) break;
                Done r = done.take();
                inFlight--;
                finished++;
                apply(r.node(), r.decision(), r.timed());
                if (failhard(plan.chunkOf(r.node()))) failhardStopped = true;
                for (int next : out.get(r.node())) if (--indeg[next] == 0) ready.add(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.OPERATION_FAILED, "state run interrupted", null);
        }
    }

    // ---- shared bookkeeping ----

    private List<Timed> invoke(Chunk chunk, Decision.Call call) {
        return invoker.invoke(chunk, options.test() || call.prereqTest(), call.watch(), id -> byId.getOrDefault(id, List.of()));
    }

    private void apply(int node, Decision d, List<Timed> timed) {
        Chunk chunk = plan.chunkOf(node);
        String tag = chunk.tag();
        switch (d) {
            case Decision.Skip s -> { }
            case Decision.Unmet u -> throw new IllegalStateException("unmet requisites for " + tag);
            case Decision.NotRun nr -> {
                StateResult r = record(chunk, chunk.function(), new StateReturn(nr.result(), Map.of(), nr.comment(), Map.of(), false),
                        Instant.now(), Instant.now(), false);
                if (plan.nodes().get(node).prereqCheck()) pre.put(tag, r);
            }
            case Decision.FromPre fp -> {
                StateResult p = pre.get(tag);
                // Salt: the test-mode pre-run's result becomes final (changes cleared); timed now, when it was decided
                Instant now = Instant.now();
                record(chunk, chunk.function(), new StateReturn(p.result(), Map.of(), p.comment(), p.outputs(), false), now, now, p.ran());
            }
            case Decision.Call call -> {
                if (call.prereqTest()) {
                    Timed t = timed.get(0);
                    pre.put(tag, result(chunk, t.function(), t.ret(), t.start(), t.end(), true, -1));
                } else {
                    for (Timed t : timed) record(chunk, t.function(), t.ret(), t.start(), t.end(), true);
                }
            }
        }
    }

    private StateResult record(Chunk chunk, String function, StateReturn ret, Instant start, Instant end, boolean ran) {
        StateResult r = result(chunk, function, ret, start, end, ran, runNum++);
        running.put(chunk.tag(), r);
        byId.compute(chunk.id(), (k, l) -> {
            List<StateResult> n = new ArrayList<>();
            if (l != null) for (StateResult x : l) if (!x.tag().equals(r.tag())) n.add(x);
            n.add(r);
            return n;
        });
        options.listener().onResult(r);
        return r;
    }

    private static StateResult result(Chunk chunk, String function, StateReturn ret, Instant start, Instant end, boolean ran, int num) {
        Map<String, Object> outputs = new LinkedHashMap<>(ret.outputs());
        return new StateResult(chunk.tag(), chunk.id(), chunk.sls(), chunk.module(), chunk.function(), chunk.name(),
                ret.result(), ret.changes(), ret.comment(), num, ran, start, end, outputs);
    }

    private boolean failhard(Chunk c) {
        if (options.test()) return false;
        if (!(c.failhard() || options.failhard())) return false;
        StateResult r = running.get(c.tag());
        return r != null && Boolean.FALSE.equals(r.result());
    }

    /** Salt's call_listen: a mod_watch for every listener whose target changed, after everything else. */
    private void listen() {
        Set<String> seen = new LinkedHashSet<>();
        Map<String, Chunk> listeners = new LinkedHashMap<>();
        for (Edge e : plan.listens()) {
            Chunk target = plan.chunks().get(e.from());
            Chunk listener = plan.chunks().get(e.to());
            StateResult tr = running.get(target.tag());
            if (tr == null || tr.changes().isEmpty()) continue;
            String tag = listener.module() + "_|-listener_" + listener.id() + "_|-" + listener.name() + "_|-mod_watch";
            if (seen.add(tag)) listeners.put(tag, listener);
        }
        for (Map.Entry<String, Chunk> e : listeners.entrySet()) {
            Chunk l = e.getValue();
            Timed t = invoker.modWatch(l, options.test(), id -> byId.getOrDefault(id, List.of()));
            StateResult r = new StateResult(e.getKey(), "listener_" + l.id(), l.sls(), l.module(), "mod_watch", l.name(),
                    t.ret().result(), t.ret().changes(), t.ret().comment(), runNum++, true, t.start(), t.end(), new HashMap<>(t.ret().outputs()));
            running.put(e.getKey(), r);
            options.listener().onResult(r);
        }
    }
}
