package dev.cairn.policy.model;

import java.util.Map;

/** A configured operation ({@code <op name interval on-fail>}); interval in milliseconds. */
public record OpDef(String name, long intervalMs, Map<String, String> meta) {
    public OpDef {
        meta = Map.copyOf(meta);
    }
}
