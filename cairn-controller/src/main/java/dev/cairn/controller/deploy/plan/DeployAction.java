package dev.cairn.controller.deploy.plan;

import dev.cairn.policy.deployment.ServiceDef;

import dev.cairn.policy.deployment.ServiceDef;

/** What a DPE asks for after a decision: work for agents, or withdrawing work nobody will run. */
public sealed interface DeployAction {
    String node();

    String reason();

    record Start(String node, ServiceDef service, String reason) implements DeployAction {}

    record Stop(String node, String service, String reason) implements DeployAction {}

    record Cancel(String node, String workId, String reason) implements DeployAction {}
}
