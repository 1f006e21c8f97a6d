package dev.cairn.states.exec;

import java.util.List;
import java.util.Map;

/**
 * Port for supervised services (service.running / service.dead). The node agent implements it
 * for the processes it supervises; {@code LocalServiceSupervisor} runs plain foreground
 * commands as detached children tracked by pid files for {@code --local}.
 */
public interface ServiceSupervisor {
    /** How to run a service: a foreground command (argv), its working directory and environment. */
    record ServiceSpec(String name, List<String> command, String cwd, Map<String, String> env) {}

    boolean isRunning(String name);

    /** Starts the service; returns a short description (e.g. "pid 1234"). */
    String start(ServiceSpec spec);

    /** Stops the service if running; returns true when something was stopped. */
    boolean stop(String name);

    /** Stops (if running) and starts again. */
    default String restart(ServiceSpec spec) {
        stop(spec.name());
        return start(spec);
    }
}
