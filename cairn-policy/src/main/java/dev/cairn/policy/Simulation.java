package dev.cairn.policy;

import java.util.List;

/**
 * Everything {@code cairn policy simulate} prints: the current status, the plan, the status after
 * the plan's runnable actions succeed, (when asked) allocation scores in assignment order, and the
 * start/stop actions of the transition graph ("rsc_start_0 node"), as crm_simulate -G writes them.
 */
public record Simulation(ClusterStatusView current, Plan plan, ClusterStatusView revised, List<ScoreLine> scores,
                         List<String> graphActions) {
    public Simulation {
        scores = List.copyOf(scores);
        graphActions = List.copyOf(graphActions);
    }

    /** "pcmk__primitive_assign: R allocation score on N: S". */
    public record ScoreLine(String resource, String node, int score) {}
}
