package dev.cairn.controller.deploy;

import dev.cairn.controller.Controller;
import dev.cairn.controller.work.EpochPublisher;
import dev.cairn.controller.work.WorkApi;
import dev.cairn.controller.work.WorkInbox;
import dev.cairn.controller.work.WorkQueue;
import java.time.Duration;

/**
 * The deployments subsystem wired into a controller: the work channel's routes, the deployments
 * API, the phi-accrual detector fed from stored heartbeats (also judging {@code node list}) and the
 * CPE as a leader service. {@link #install} is all {@code ClusterAssembly} calls.
 */
public final class Deployments {
    /** The heartbeat interval the detector assumes until it has measured a node's own. */
    public static final Duration EXPECTED_INTERVAL = Duration.ofMillis(500);

    private final WorkQueue queue;
    private final DeploymentStore store;
    private final PhiAccrualDetector detector;
    private final Cpe cpe;

    private Deployments(WorkQueue queue, DeploymentStore store, PhiAccrualDetector detector, Cpe cpe) {
        this.queue = queue;
        this.store = store;
        this.detector = detector;
        this.cpe = cpe;
    }

    public static Deployments install(Controller c, DeployEvents events, DpeFaults faults) {
        WorkQueue queue = new WorkQueue(c.store(), c.clock());
        WorkInbox inbox = new WorkInbox(c.store(), queue);
        DeploymentStore store = new DeploymentStore(c.store(), events);
        PhiAccrualDetector detector = new PhiAccrualDetector(c.config().heartbeatTimeout(), EXPECTED_INTERVAL);
        HeartbeatWatcher heartbeats = new HeartbeatWatcher(c.store(), detector);
        c.nodes().judgeWith((node, last, now) -> detector.up(node, now));
        c.nodes().onHeartbeat(detector::heartbeat); // heartbeats taken here count at once, not when the store reports them
        WorkApi.register(c.router(), queue, inbox);
        DeploymentsApi.register(c.router(), store, queue);
        Cpe cpe = new Cpe(store, queue, detector, c.clock(), events, faults);
        c.addLeaderService(new EpochPublisher(queue)); // before the CPE queues anything
        c.addLeaderService(cpe);
        c.addCloseable(inbox);
        c.addCloseable(heartbeats);
        return new Deployments(queue, store, detector, cpe);
    }

    public static Deployments install(Controller c) {
        return install(c, DeployEvents.logging(), DpeFaults.NONE);
    }

    public WorkQueue queue() { return queue; }

    public DeploymentStore store() { return store; }

    public PhiAccrualDetector detector() { return detector; }

    public Cpe cpe() { return cpe; }
}
