package dev.cairn.policy.model;

import java.util.List;

/** The observed side: quorum, the DC, and each node's state and operation history. */
public record Status(boolean haveQuorum, String dcUuid, String crmFeatureSet, List<NodeState> nodeStates) {
    public Status {
        nodeStates = List.copyOf(nodeStates);
    }
}
