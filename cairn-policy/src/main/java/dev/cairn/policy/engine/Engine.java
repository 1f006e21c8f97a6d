package dev.cairn.policy.engine;

import dev.cairn.policy.ClusterStatusView;
import dev.cairn.policy.NodeScore;
import dev.cairn.policy.Placement;
import dev.cairn.policy.Plan;
import dev.cairn.policy.ResourceExplanation;
import dev.cairn.policy.Score;
import dev.cairn.policy.Simulation;
import dev.cairn.policy.model.Cib;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs the scheduler stages in Pacemaker's order. Pure: no I/O, no clock, no randomness. */
public final class Engine {
    private Engine() {}

    /** What to compute besides the transition. */
    public record Options(boolean scores, boolean explain, boolean revised) {
        public static final Options PLAN_ONLY = new Options(false, false, false);
        public static final Options SIMULATE = new Options(false, false, true);
    }

    public static Simulation run(Cib input, Instant now, Options opts) {
        Cib cib = Canonical.of(input);
        boolean keep = opts.scores() || opts.explain();
        ClusterModel m = Unpacker.unpack(cib, opts.explain());
        ClusterStatusView current = opts.revised() ? StatusViews.of(m) : null;
        Allocator alloc = new Allocator(m, cib, keep);
        alloc.run();
        ActionPlanner planner = new ActionPlanner(m, cib);
        planner.run();
        Summarizer sum = new Summarizer(planner);
        sum.summarize(m.resources);
        List<Placement> placements = new ArrayList<>(m.resources.size());
        for (Rsc r : m.resources) {
            List<String> cur = new ArrayList<>(r.runningOn.size());
            for (NodeInfo n : r.runningOn) cur.add(n.uname);
            placements.add(new Placement(r.id, cur, r.allocatedTo == null ? null : r.allocatedTo.uname,
                    r.nextRole.text()));
        }
        List<ResourceExplanation> explanations = opts.explain() ? Explainer.explain(m, alloc) : List.of();
        List<Simulation.ScoreLine> scoreLines = new ArrayList<>();
        if (opts.scores()) {
            for (Rsc r : alloc.assignmentOrder) {
                int[] w = alloc.scoreSnapshots.get(r);
                for (NodeInfo n : m.nodes) {
                    if (w[n.index] != Rsc.ABSENT) scoreLines.add(new Simulation.ScoreLine(r.id, n.uname, w[n.index]));
                }
            }
        }
        Plan plan = new Plan(placements, sum.lines, explanations);
        ClusterStatusView revised = null;
        List<String> executed = new ArrayList<>();
        for (Action a : planner.actions) {
            if (Revision.inGraph(a)) executed.add(a.rsc.id + "_" + a.task() + "_0 " + a.node.uname);
        }
        if (opts.revised()) {
            Cib after = Revision.apply(cib, planner.actions);
            revised = StatusViews.of(Unpacker.unpackStatus(after));
        }
        return new Simulation(current, plan, revised, scoreLines, executed);
    }

    static String fmt(int s) { return Score.format(s); }

    static NodeScore nodeScore(String node, int score, boolean available, List<String> reasons) {
        return new NodeScore(node, score, available, reasons);
    }
}
