package dev.cairn.policy.output;

import dev.cairn.policy.ClusterStatusView;
import dev.cairn.policy.Score;
import dev.cairn.policy.Simulation;
import dev.cairn.policy.TransitionAction;
import java.util.List;

/** crm_simulate 2.1.5's text layout for -S (without the "Executing Cluster Transition" section). */
public final class SimulateFormatter {
    private SimulateFormatter() {}

    public static String format(Simulation sim, boolean showScores) {
        StringBuilder out = new StringBuilder();
        ClusterStatusView cur = sim.current();
        if (cur.disabled() > 0 || cur.blocked() > 0) {
            out.append(cur.disabled()).append(" of ").append(cur.instances())
                    .append(" resource instances DISABLED and ").append(cur.blocked())
                    .append(" BLOCKED from further action due to failure\n\n");
        }
        status(out, "Current cluster status", cur);
        if (showScores) {
            out.append("\nAllocation scores:\n");
            for (Simulation.ScoreLine l : sim.scores()) {
                out.append("  * pcmk__primitive_assign: ").append(l.resource()).append(" allocation score on ")
                        .append(l.node()).append(": ").append(Score.format(l.score())).append('\n');
            }
        }
        out.append("\nTransition Summary:\n");
        out.append(transitionSummary(sim.plan().transition()));
        out.append('\n');
        status(out, "Revised Cluster Status", sim.revised());
        return out.toString();
    }

    /** The lines of "Transition Summary:", padded as crm_simulate pads them. */
    public static String transitionSummary(List<TransitionAction> lines) {
        int rscWidth = 5;
        int detailWidth = 5;
        for (TransitionAction a : lines) {
            if (a.resource().length() > rscWidth) rscWidth = a.resource().length() + 2;
            if (a.details().length() > detailWidth) detailWidth = a.details().length();
        }
        StringBuilder out = new StringBuilder();
        for (TransitionAction a : lines) {
            out.append("  * ").append(String.format("%-8s   %-" + rscWidth + "s   ( %" + detailWidth + "s )%s",
                    a.kind().label(), a.resource(), a.details(), a.suffix())).append('\n');
        }
        return out.toString();
    }

    static void status(StringBuilder out, String title, ClusterStatusView v) {
        out.append(title).append(":\n");
        out.append("  * Node List:\n");
        for (String l : v.nodeLines()) out.append("    * ").append(l).append('\n');
        out.append("\n  * Full List of Resources:\n");
        for (ClusterStatusView.ResourceLine r : v.resources()) {
            if (r.group() != null) {
                out.append("    * Resource Group: ").append(r.group()).append(":\n");
                out.append("      * ").append(r.text()).append('\n');
            } else {
                out.append("    * ").append(r.text()).append('\n');
            }
        }
    }
}
