package dev.cairn.policy;

import java.util.List;

/**
 * The cluster as crm_simulate lists it: node lines ("Online: [ a b ]", "Node x: standby") and
 * resource lines in display order, with the disabled/blocked counts.
 */
public record ClusterStatusView(List<String> nodeLines, List<ResourceLine> resources, int instances, int disabled,
                                int blocked) {
    public ClusterStatusView {
        nodeLines = List.copyOf(nodeLines);
        resources = List.copyOf(resources);
    }

    /** One resource: its one-member group (or null) and its status text. */
    public record ResourceLine(String group, String text) {}
}
