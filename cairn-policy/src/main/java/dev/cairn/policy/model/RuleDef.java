package dev.cairn.policy.model;

import java.util.List;

/** A location rule: a score (or a node attribute holding it) and expressions joined by and/or. */
public record RuleDef(String id, String score, String scoreAttribute, boolean or, List<ExprDef> expressions) {
    public RuleDef {
        expressions = List.copyOf(expressions);
    }
}
