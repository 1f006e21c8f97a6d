package dev.cairn.policy;

import java.util.List;

/**
 * The scheduler's answer: placements, the transition in crm_simulate's order, and the allocation
 * scores in assignment order (only when requested).
 */
public record Plan(List<Placement> placements, List<TransitionAction> transition, List<ResourceExplanation> explanations) {
    public Plan {
        placements = List.copyOf(placements);
        transition = List.copyOf(transition);
        explanations = List.copyOf(explanations);
    }

    public ResourceExplanation explanation(String resource) {
        for (ResourceExplanation e : explanations) if (e.resource().equals(resource)) return e;
        return null;
    }
}
