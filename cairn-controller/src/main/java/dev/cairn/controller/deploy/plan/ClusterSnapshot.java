package dev.cairn.controller.deploy.plan;

import dev.cairn.controller.deploy.ObservedService;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a DPE knows when it decides, for one deployment: the nodes and whether the leader's liveness
 * judgement holds them up, each node's reported copies of this deployment's services, the work queued for
 * them and not yet acknowledged, and actions agents reported as failed (per {@code service@node}).
 */
public record ClusterSnapshot(List<NodeStatus> nodes, Map<String, List<ObservedService>> observed, List<PendingWork> pending,
                              Map<String, Integer> actionFailures) {
    public ClusterSnapshot {
        nodes = List.copyOf(nodes);
        observed = Map.copyOf(observed);
        pending = List.copyOf(pending);
        actionFailures = Map.copyOf(actionFailures);
    }

    public record NodeStatus(String name, boolean up, boolean standby, Map<String, String> labels) {
        public NodeStatus {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /** A queued service action: start or stop of {@code service} on {@code node}. */
    public record PendingWork(String node, String id, ServiceAction action, String service, Instant created) {}

    public boolean up(String node) {
        for (NodeStatus n : nodes) if (n.name().equals(node)) return n.up();
        return false;
    }
}
