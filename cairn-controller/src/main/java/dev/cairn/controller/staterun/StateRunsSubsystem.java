package dev.cairn.controller.staterun;

import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.modules.ModuleStore;
import java.time.Duration;
import java.util.List;

/**
 * Cluster state runs: compiled once here, split per node onto the work channel, reported state by
 * state. The leader's watch reports parts whose node went down as lost.
 */
public final class StateRunsSubsystem implements Subsystem {
    /** How often the leader looks for parts whose node went down. */
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    private final StateRuns runs;
    private final StateRunWatch watch;

    public StateRunsSubsystem(ControllerContext ctx, ModuleStore modules) {
        this.runs = new StateRuns(ctx.store(), ctx.nodes(), ctx.work().queue(), ctx.clock(), ctx.epoch(), ctx.events(), modules::resolve);
        this.watch = new StateRunWatch(runs, ctx.scheduler(), WATCH_INTERVAL);
    }

    public StateRuns runs() { return runs; }

    @Override
    public String name() { return "state-runs"; }

    @Override
    public void routes(Router router) {
        StateRunsApi.register(router, runs);
    }

    @Override
    public List<LeaderService> leaderServices() {
        return List.of(watch);
    }

    @Override
    public void close() {
        watch.stop();
    }
}
