package dev.cairn.controller.deploy;

import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.work.WorkQueue;
import java.time.Duration;
import java.util.List;

/**
 * The deployments subsystem: the deployments API, the phi-accrual detector fed from stored
 * heartbeats (also judging {@code node list}) and the CPE as a leader service.
 */
public final class DeploymentsSubsystem implements Subsystem {
    /** The heartbeat interval the detector assumes until it has measured a node's own. */
    public static final Duration EXPECTED_INTERVAL = Duration.ofMillis(500);

    private final WorkQueue queue;
    private final DeploymentStore store;
    private final PhiAccrualDetector detector;
    private final HeartbeatWatcher heartbeats;
    private final Cpe cpe;

    public DeploymentsSubsystem(ControllerContext ctx, DeployEvents events, DpeFaults faults) {
        this.queue = ctx.work().queue();
        this.store = new DeploymentStore(ctx.store(), events);
        this.detector = new PhiAccrualDetector(ctx.config().heartbeatTimeout(), EXPECTED_INTERVAL);
        this.heartbeats = new HeartbeatWatcher(ctx.store(), detector);
        ctx.nodes().judgeWith((node, last, now) -> detector.up(node, now));
        ctx.nodes().onHeartbeat(detector::heartbeat); // heartbeats taken here count at once, not when the store reports them
        this.cpe = new Cpe(store, queue, detector, ctx.clock(), events, faults);
    }

    public DeploymentsSubsystem(ControllerContext ctx) {
        this(ctx, DeployEvents.log(ctx.events()), DpeFaults.NONE);
    }

    @Override
    public String name() { return "deployments"; }

    @Override
    public void routes(Router router) {
        DeploymentsApi.register(router, store, queue);
    }

    @Override
    public List<LeaderService> leaderServices() {
        return List.of(cpe);
    }

    @Override
    public void close() {
        heartbeats.close();
    }

    public WorkQueue queue() { return queue; }

    public DeploymentStore store() { return store; }

    public PhiAccrualDetector detector() { return detector; }

    public Cpe cpe() { return cpe; }
}
