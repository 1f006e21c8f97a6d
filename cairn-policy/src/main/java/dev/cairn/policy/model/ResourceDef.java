package dev.cairn.policy.model;

import java.util.List;
import java.util.Map;

/**
 * A primitive resource. {@code group} names the one-member group that wraps it, or is null.
 * {@code meta} holds its own meta attributes (group meta already merged underneath); resource
 * defaults are applied by the scheduler.
 */
public record ResourceDef(String id, String standard, String provider, String type, String group,
                          Map<String, String> groupMeta, Map<String, String> meta, List<OpDef> ops) {
    public ResourceDef {
        groupMeta = Map.copyOf(groupMeta);
        meta = Map.copyOf(meta);
        ops = List.copyOf(ops);
    }

    /** The agent as crm_simulate prints it: {@code class:provider:type} or {@code class:type}. */
    public String agent() {
        return provider == null || provider.isEmpty() ? standard + ":" + type : standard + ":" + provider + ":" + type;
    }
}
