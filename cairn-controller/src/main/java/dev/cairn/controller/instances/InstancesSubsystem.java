package dev.cairn.controller.instances;

import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.staterun.StateRuns;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.instances.Layout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Instances and roles on the cluster's shared filesystem: staging, install with rendered
 * configuration (recorded by the request, carried out by the leader's {@link Installer}),
 * start/stop through the role's deployment.
 */
public final class InstancesSubsystem implements Subsystem {
    /** How long an install may take to apply {@code instance.states} on the nodes. */
    public static final Duration STATES_TIMEOUT = Duration.ofMinutes(5);

    private final InstanceApplier applier;
    private final Installer installer;
    private final DeploymentStore deployments;

    public InstancesSubsystem(ControllerContext ctx, PackageStorage storage, Path sharedRoot, List<String> basedirs,
                              DeploymentStore deployments, StateRuns runs) {
        Layout layout = new Layout(sharedRoot, basedirs == null || basedirs.isEmpty() ? Layout.DEFAULT_BASEDIRS : basedirs);
        InstanceStore store = new InstanceStore(ctx.store(), ctx.events());
        Stages stages = new Stages(layout, storage);
        this.applier = new InstanceApplier(store, stages, deployments, ctx.clock());
        this.installer = new Installer(store, stages, InstanceStates.of(runs), ctx.clock(), ctx.scheduler(), STATES_TIMEOUT);
        this.deployments = deployments;
    }

    public InstanceApplier applier() { return applier; }

    @Override
    public String name() { return "instances"; }

    @Override
    public void routes(Router router) {
        InstancesApi.register(router, applier, deployments);
    }

    @Override
    public List<LeaderService> leaderServices() {
        return List.of(installer);
    }

    @Override
    public void close() {
        installer.stop();
    }
}
