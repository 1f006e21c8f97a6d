package dev.cairn.policy;

import java.util.List;

/** A resource's allocation score on one node, and why the node was or was not usable. */
public record NodeScore(String node, int score, boolean available, List<String> reasons) {
    public NodeScore {
        reasons = List.copyOf(reasons);
    }
}
