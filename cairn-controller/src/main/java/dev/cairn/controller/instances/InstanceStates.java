package dev.cairn.controller.instances;

import dev.cairn.controller.staterun.StateRuns;
import dev.cairn.states.source.SlsTree;
import java.util.Optional;

/** The cluster state runs an install applies {@code instance.states} with. */
public interface InstanceStates {
    /** How a run ended: succeeded, or why not. */
    record Outcome(boolean succeeded, String failure) {}

    /** Submits a run of {@code tree} on the nodes {@code target} names; returns its id. */
    String submit(SlsTree tree, String target);

    /** How run {@code id} ended; empty while it goes on. */
    Optional<Outcome> outcome(String id);

    /** Calls {@code changed} whenever run {@code id} may have ended; close to stop. */
    AutoCloseable watch(String id, Runnable changed);

    /** Over the controller's {@link StateRuns}. */
    static InstanceStates of(StateRuns runs) {
        return new InstanceStates() {
            @Override
            public String submit(SlsTree tree, String target) {
                return runs.submit(tree, target, "ansible", false).id();
            }

            @Override
            public Optional<Outcome> outcome(String id) {
                StateRuns.RunView v = runs.show(id);
                return switch (v.status()) {
                    case RUNNING -> Optional.empty();
                    case SUCCEEDED -> Optional.of(new Outcome(true, null));
                    case FAILED -> Optional.of(new Outcome(false, v.failure()));
                };
            }

            @Override
            public AutoCloseable watch(String id, Runnable changed) {
                return runs.watch(id, changed);
            }
        };
    }
}
