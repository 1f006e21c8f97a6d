package dev.cairn.controller.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.staterun.StateRuns;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.instances.Layout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Instances and roles (seed 001's layout on shared storage): staging, install with rendered
 * configuration, start/stop through the role's deployment.
 */
public final class InstancesSubsystem implements Subsystem {
    /** How long install waits for {@code instance.states} to finish on the nodes. */
    public static final Duration STATES_TIMEOUT = Duration.ofMinutes(5);

    private final InstanceApplier applier;
    private final DeploymentStore deployments;

    public InstancesSubsystem(ControllerContext ctx, PackageStorage storage, Path sharedRoot, List<String> basedirs,
                              DeploymentStore deployments, StateRuns runs) {
        Layout layout = new Layout(sharedRoot, basedirs == null || basedirs.isEmpty() ? Layout.DEFAULT_BASEDIRS : basedirs);
        this.applier = new InstanceApplier(new InstanceStore(ctx.store(), ctx.events()), new Stages(layout, storage), deployments,
                (tree, target) -> runStates(runs, tree, target, STATES_TIMEOUT), ctx.clock());
        this.deployments = deployments;
    }

    public InstanceApplier applier() { return applier; }

    @Override
    public String name() { return "instances"; }

    @Override
    public void routes(Router router) {
        InstancesApi.register(router, applier, deployments);
    }

    /** Submits a state run and waits for it: null when it succeeded, else the first failure. */
    @SuppressWarnings("unchecked")
    static String runStates(StateRuns runs, dev.cairn.states.source.SlsTree tree, String target, Duration timeout) throws InterruptedException {
        StateRuns.StateRun run = runs.submit(tree, target, "ansible", false);
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = 100;
        while (true) {
            Map<String, Object> shown = runs.show(run.id());
            String status = String.valueOf(shown.get("status"));
            if (status.equals("succeeded")) return null;
            if (status.equals("failed")) {
                for (Map<String, Object> n : (List<Map<String, Object>>) shown.get("nodes")) {
                    if (n.get("status").equals("succeeded")) continue;
                    String why = n.get("error") == null ? null : String.valueOf(n.get("error"));
                    for (Object s : (List<Object>) n.get("states")) {
                        if (s instanceof JsonNode st && st.path("result").isBoolean() && !st.path("result").asBoolean()) {
                            why = st.path("id").asText() + ": " + st.path("comment").asText();
                            break;
                        }
                    }
                    return "state run " + run.id() + " on " + n.get("node") + " " + n.get("status") + (why == null ? "" : " (" + why + ")");
                }
                return "state run " + run.id() + " failed";
            }
            if (System.nanoTime() > deadline) return "state run " + run.id() + " did not finish within " + timeout.toSeconds() + "s";
            Thread.sleep(sleep);
            sleep = Math.min(500, sleep * 2);
        }
    }
}
