package dev.cairn.policy.engine;

import dev.cairn.policy.NodeScore;
import dev.cairn.policy.ResourceExplanation;
import dev.cairn.policy.Score;
import java.util.ArrayList;
import java.util.List;

/** Builds per-resource explanations from the notes recorded while scoring. */
final class Explainer {
    private Explainer() {}

    static List<ResourceExplanation> explain(ClusterModel m, Allocator alloc) {
        List<ResourceExplanation> out = new ArrayList<>();
        for (Rsc r : m.resources) {
            int[] w = alloc.scoreSnapshots.getOrDefault(r, r.weights);
            List<NodeScore> scores = new ArrayList<>();
            List<String> general = new ArrayList<>();
            for (Explain.Note note : r.notes) if (note.node() < 0) general.add(note.text());
            for (NodeInfo n : m.nodes) {
                List<String> reasons = new ArrayList<>();
                if (w[n.index] == Rsc.ABSENT) {
                    reasons.add("not allowed: symmetric-cluster=false and no location constraint enables this node");
                } else if (m.symmetric) {
                    reasons.add(Score.format(n.baseScore) + ": base score (symmetric cluster)");
                }
                String why = n.unavailableReason();
                if (why != null) reasons.add("cannot run resources: " + why);
                for (Explain.Note note : r.notes) if (note.node() == n.index) reasons.add(note.text());
                int score = w[n.index] == Rsc.ABSENT ? -Score.INFINITY : w[n.index];
                scores.add(new NodeScore(n.uname, score, w[n.index] != Rsc.ABSENT && n.available(), reasons));
            }
            List<String> cur = new ArrayList<>();
            for (NodeInfo n : r.runningOn) cur.add(n.uname);
            out.add(new ResourceExplanation(r.id, cur, r.allocatedTo == null ? null : r.allocatedTo.uname,
                    decision(r, w, m), scores, general));
        }
        return out;
    }

    private static String decision(Rsc r, int[] w, ClusterModel m) {
        if (!r.managed) {
            return r.allocatedTo == null ? "unmanaged and inactive: left stopped"
                    : "unmanaged: left where it is (" + r.allocatedTo.uname + ")" + (r.blocked ? ", blocked after a failure" : "");
        }
        if (m.stopAll) return "stop-all-resources=true";
        if (r.allocatedTo == null) {
            if (r.disabled()) return "target-role=Stopped: not placed";
            return "no node has a score >= 0 and can run resources: not placed";
        }
        String best = "highest score " + Score.format(w[r.allocatedTo.index]) + " on " + r.allocatedTo.uname;
        int ties = 0;
        for (NodeInfo n : m.nodes) {
            if (n != r.allocatedTo && w[n.index] == w[r.allocatedTo.index] && n.available()) ties++;
        }
        if (ties > 0) {
            best += " (tie with " + ties + " other node" + (ties > 1 ? "s" : "")
                    + " broken by: current node if score > 0, then fewest resources assigned, current node, node name)";
        }
        return best;
    }
}
