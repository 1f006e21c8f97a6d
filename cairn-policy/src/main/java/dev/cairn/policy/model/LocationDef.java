package dev.cairn.policy.model;

import java.util.List;

/** rsc_location: either node + score, or rules. */
public record LocationDef(String id, String resource, String node, int score, List<RuleDef> rules) {
    public LocationDef {
        rules = List.copyOf(rules);
    }
}
