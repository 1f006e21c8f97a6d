package dev.cairn.policy.model;

import java.util.Map;

/** A configured cluster node: id, name, base score ({@code <node score=>}) and permanent attributes. */
public record NodeDef(String id, String uname, int score, Map<String, String> attributes) {
    public NodeDef {
        attributes = Map.copyOf(attributes);
    }
}
