package dev.cairn.controller.nodes;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Nodes: registrations, heartbeats and standby ({@link NodeRegistry}), the phi-accrual failure
 * detector every controller feeds from the heartbeats (it answers {@code node list}), and on the
 * leader the liveness judgement that services move by ({@link NodeLiveness}).
 */
public final class NodesSubsystem implements Subsystem {
    /** The heartbeat interval the detector assumes until it has measured a node's own. */
    public static final Duration EXPECTED_INTERVAL = Duration.ofMillis(500);

    private final PhiAccrualDetector detector;
    private final NodeRegistry registry;
    private final HeartbeatWatcher heartbeats;
    private final NodeLiveness liveness;

    /** @param heartbeatTimeout how long after its last heartbeat a steadily heartbeating node is judged down */
    public NodesSubsystem(CoordinationStore store, EventLog events, Clock clock, Scheduler scheduler, Duration heartbeatTimeout) {
        this.detector = new PhiAccrualDetector(heartbeatTimeout, EXPECTED_INTERVAL);
        this.registry = new NodeRegistry(store, clock, scheduler, detector);
        this.heartbeats = new HeartbeatWatcher(registry, detector);
        this.liveness = new NodeLiveness(store, events, detector, clock, scheduler);
    }

    public NodeRegistry registry() { return registry; }

    public NodeLiveness liveness() { return liveness; }

    public PhiAccrualDetector detector() { return detector; }

    @Override
    public String name() { return "nodes"; }

    @Override
    public void routes(Router router) {
        NodesApi.register(router, registry);
    }

    @Override
    public List<LeaderService> leaderServices() {
        return List.of(liveness);
    }

    @Override
    public void close() {
        heartbeats.close();
    }
}
