package dev.cairn.policy;

import java.util.List;

/** For one resource: where it runs, where it goes, the score on every node and what decided it. */
public record ResourceExplanation(String resource, List<String> currentNodes, String assignedNode, String decision,
                                  List<NodeScore> scores, List<String> general) {
    public ResourceExplanation {
        currentNodes = List.copyOf(currentNodes);
        scores = List.copyOf(scores);
        general = List.copyOf(general);
    }
}
