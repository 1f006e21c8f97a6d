package dev.cairn.policy;

import java.util.List;

/** Where a resource is now and where the plan puts it (null: stopped). */
public record Placement(String resource, List<String> currentNodes, String node, String nextRole) {
    public Placement {
        currentNodes = List.copyOf(currentNodes);
    }
}
