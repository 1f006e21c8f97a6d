package dev.cairn.policy;

import java.util.List;

/**
 * Everything {@code cairn policy simulate} prints: the current status, the plan, the status after
 * the plan's runnable actions succeed, and (when asked) allocation scores in assignment order.
 */
public record Simulation(ClusterStatusView current, Plan plan, ClusterStatusView revised, List<ScoreLine> scores) {
    public Simulation {
        scores = List.copyOf(scores);
    }

    /** "pcmk__primitive_assign: R allocation score on N: S". */
    public record ScoreLine(String resource, String node, int score) {}
}
