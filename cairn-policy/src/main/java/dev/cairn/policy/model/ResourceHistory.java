package dev.cairn.policy.model;

import java.util.List;

/** The operations recorded for one resource on one node. */
public record ResourceHistory(String resource, List<OpRecord> ops) {
    public ResourceHistory {
        ops = List.copyOf(ops);
    }
}
