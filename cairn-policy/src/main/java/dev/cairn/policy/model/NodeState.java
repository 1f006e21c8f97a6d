package dev.cairn.policy.model;

import java.util.List;
import java.util.Map;

/** A {@code node_state}: membership fields, transient attributes and resource history. */
public record NodeState(String id, String uname, String inCcm, String crmd, String join, String expected,
                        Map<String, String> attributes, List<ResourceHistory> resources) {
    public NodeState {
        attributes = Map.copyOf(attributes);
        resources = List.copyOf(resources);
    }
}
