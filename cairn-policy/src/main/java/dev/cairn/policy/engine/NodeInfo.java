package dev.cairn.policy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A node as the scheduler sees it: identity, attributes, availability flags and assignment count. */
final class NodeInfo {
    final int index;
    final String id;
    final String uname;
    final int baseScore;
    final Map<String, String> attrs;
    /** Pacemaker's node weight: the base score, or -INFINITY once the node is offline or shutting down. */
    int weight;
    boolean online;
    boolean unclean;
    boolean standby;
    boolean shutdown;
    boolean pending;
    boolean expectedUp;
    boolean seen;
    int assigned;
    final List<Rsc> running = new ArrayList<>();

    NodeInfo(int index, String id, String uname, int baseScore, Map<String, String> attrs) {
        this.index = index;
        this.id = id;
        this.uname = uname;
        this.baseScore = baseScore;
        this.weight = baseScore;
        this.attrs = attrs;
    }

    /** can_run_resources(): online and not shutting down, unclean or in standby. */
    boolean available() {
        return online && !shutdown && !unclean && !standby;
    }

    String attr(String name) { return attrs.get(name); }

    /** Why this node cannot run resources, or null. */
    String unavailableReason() {
        if (unclean) return "node is unclean";
        if (!online) return "node is offline";
        if (shutdown) return "node is shutting down";
        if (standby) return "node is in standby";
        return null;
    }

    @Override
    public String toString() { return uname; }
}
