package dev.cairn.cli;

import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.core.store.CoordinationStore;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Wires a controller with every subsystem's routes and leader services. The one place that knows
 * all modules; both {@code cairn up} and {@code cairn controller} use it.
 */
public final class ClusterAssembly {
    private ClusterAssembly() {}

    /** Where a controller keeps what is not in the coordination store. */
    public record Paths(Path dataDir) {}

    public static Controller controller(ControllerConfig config, CoordinationStore store, Paths paths) {
        Controller c = new Controller(config, store, Clock.systemUTC());
        return c;
    }
}
