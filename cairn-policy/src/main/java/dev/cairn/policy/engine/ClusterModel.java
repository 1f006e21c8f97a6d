package dev.cairn.policy.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The unpacked cluster: nodes in display order, resources in assignment order, options. */
final class ClusterModel {
    final List<NodeInfo> nodes;
    final List<Rsc> resources;
    final Map<String, Rsc> byId = new HashMap<>();
    final Map<String, NodeInfo> nodeByUname = new HashMap<>();
    final boolean stonithEnabled;
    final boolean symmetric;
    final boolean haveQuorum;
    final String noQuorumPolicy;
    final boolean stopAll;
    final boolean haveStonithResource;

    ClusterModel(List<NodeInfo> nodes, List<Rsc> resources, boolean stonithEnabled, boolean symmetric,
                 boolean haveQuorum, String noQuorumPolicy, boolean stopAll) {
        this.nodes = nodes;
        this.resources = resources;
        this.stonithEnabled = stonithEnabled;
        this.symmetric = symmetric;
        this.haveQuorum = haveQuorum;
        this.noQuorumPolicy = noQuorumPolicy;
        this.stopAll = stopAll;
        boolean stonithRsc = false;
        for (Rsc r : resources) {
            byId.put(r.id, r);
            if (r.stonithClass) stonithRsc = true;
        }
        this.haveStonithResource = stonithRsc;
        for (NodeInfo n : nodes) nodeByUname.put(n.uname, n);
    }

    /** resource_location(rsc, node, score): add to the node's entry, creating it from the node's weight. */
    static void locate(Rsc rsc, NodeInfo node, int score) {
        if (rsc.weights.length == 0) return; // status-only model
        int w = rsc.weights[node.index];
        rsc.weights[node.index] = Scores.add(w == Rsc.ABSENT ? node.weight : w, score);
    }

    /** resource_location(rsc, NULL, score): every node. */
    void locateAll(Rsc rsc, int score) {
        for (NodeInfo n : nodes) locate(rsc, n, score);
    }

    /** Replace the allowed table by every node at -INFINITY (ban from all nodes). */
    void banEverywhere(Rsc rsc) {
        java.util.Arrays.fill(rsc.weights, -dev.cairn.policy.Score.INFINITY);
    }
}
