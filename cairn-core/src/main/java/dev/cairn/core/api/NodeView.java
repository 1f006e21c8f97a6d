package dev.cairn.core.api;

import java.time.Instant;
import java.util.Map;

/** A node as the API shows it: {@code {"name","state","labels","lastHeartbeat"}} (+ standby, epoch). */
public record NodeView(String name, NodeState state, Map<String, String> labels, Instant lastHeartbeat, boolean standby) {
    public boolean up() {
        return state == NodeState.UP;
    }
}
