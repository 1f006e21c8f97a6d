package dev.cairn.controller.deploy;

import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.deploy.engine.Cpe;
import dev.cairn.controller.deploy.engine.DpeFaults;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.work.WorkChannel;
import java.util.List;

/**
 * The deployments subsystem, wired: its repository ({@link DeploymentStore}), its API
 * ({@link DeploymentsApi}), and the CPE as a leader service, which runs a DPE per deployment
 * (package {@code engine}) deciding with the pure planner (package {@code plan}). Which nodes are
 * up is the nodes subsystem's judgement ({@link ControllerContext#liveness()}).
 */
public final class DeploymentsSubsystem implements Subsystem {
    private final WorkChannel work;
    private final DeploymentStore store;
    private final Cpe cpe;

    /** @param faults fault injection for tests ({@link DpeFaults#NONE} in production) */
    public DeploymentsSubsystem(ControllerContext ctx, DpeFaults faults) {
        this.work = ctx.work();
        this.store = new DeploymentStore(ctx.store(), ctx.events());
        this.cpe = new Cpe(store, ctx.nodes(), work.queue(), ctx.liveness(), ctx.events(), ctx.clock(), ctx.scheduler(), faults);
    }

    public DeploymentsSubsystem(ControllerContext ctx) {
        this(ctx, DpeFaults.NONE);
    }

    @Override
    public String name() { return "deployments"; }

    @Override
    public void routes(Router router) {
        DeploymentsApi.register(router, store, work);
    }

    @Override
    public List<LeaderService> leaderServices() {
        return List.of(cpe);
    }

    public DeploymentStore store() { return store; }

    public Cpe cpe() { return cpe; }
}
