package dev.cairn.controller.nodes;

import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.store.CoordinationStore;
import java.time.Clock;
import java.time.Duration;

/** Nodes: registrations, heartbeats, standby, and the judgement of which nodes are up. */
public final class NodesSubsystem implements Subsystem {
    private final NodeRegistry registry;

    public NodesSubsystem(CoordinationStore store, Clock clock, Duration heartbeatTimeout) {
        this.registry = new NodeRegistry(store, clock, heartbeatTimeout);
    }

    public NodeRegistry registry() { return registry; }

    @Override
    public String name() { return "nodes"; }

    @Override
    public void routes(Router router) {
        NodesApi.register(router, registry);
    }
}
