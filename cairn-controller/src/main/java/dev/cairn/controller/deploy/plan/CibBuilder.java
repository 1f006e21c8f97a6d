package dev.cairn.controller.deploy.plan;

import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.plan.ClusterSnapshot.NodeStatus;
import dev.cairn.policy.deployment.DeploymentCib;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.policy.model.Cib;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The adapter from a deployment and what agents report to the policy engine's input, as
 * pacemaker-cloud did: nodes are Cairn's nodes (labels as attributes, standby, up/down as the
 * leader's liveness judgement has them) and each reported copy is a copy in {@link DeploymentCib}, the conversion
 * {@code cairn policy simulate} uses too. Pure.
 */
public final class CibBuilder {
    private CibBuilder() {}

    /** {@code skip} holds {@code service@node} copies left out of the history (stale copies being stopped). */
    public static Cib build(DeploymentSpec spec, ClusterSnapshot snap, Set<String> skip) {
        List<DeploymentCib.Node> nodes = new ArrayList<>();
        List<DeploymentCib.Copy> copies = new ArrayList<>();
        for (NodeStatus n : snap.nodes()) {
            nodes.add(new DeploymentCib.Node(n.name(), n.labels(), 0, n.standby(), n.up()));
            for (ObservedService o : snap.observed().getOrDefault(n.name(), List.of())) {
                if (skip.contains(o.service() + "@" + n.name())) continue;
                DeploymentCib.CopyState state = switch (o.state()) {
                    case RUNNING -> DeploymentCib.CopyState.RUNNING;
                    case FAILED -> DeploymentCib.CopyState.FAILED;
                    case STOPPED -> DeploymentCib.CopyState.STOPPED;
                };
                copies.add(new DeploymentCib.Copy(o.service(), n.name(), state, o.failCount()));
            }
        }
        return DeploymentCib.build(spec, nodes, copies, snap.actionFailures());
    }
}
