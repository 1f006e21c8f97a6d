package dev.cairn.policy.deployment;

import dev.cairn.policy.model.Cib;
import java.util.List;
import java.util.Map;

/**
 * A deployment file read for simulation: the deployment and the cluster it describes (its
 * {@code nodes}, and under {@code running} the copies their agents would report).
 */
public record DeploymentFile(DeploymentSpec spec, List<DeploymentCib.Node> nodes, List<DeploymentCib.Copy> running) {
    public DeploymentFile {
        nodes = List.copyOf(nodes);
        running = List.copyOf(running);
    }

    /** The scheduler's input, built as the controller builds it for a live deployment. */
    public Cib cib() {
        return DeploymentCib.build(spec, nodes, running, Map.of());
    }
}
