package dev.cairn.states.exec;

import java.util.List;
import java.util.Map;

/**
 * Port for the services of {@code service.running} / {@code service.dead}. Two implementations:
 * <ul>
 *   <li>on a node, in a cluster state run, the agent's adapter over its own service supervisor
 *       (cairn-agent {@code StateServices}): the service is supervised like a deployment's — its
 *       own process group, output in a rotating log, restarted when it fails, adopted (not started
 *       again) by the next run of the agent;</li>
 *   <li>{@code state apply --local}: {@code LocalServiceSupervisor}, which starts the command as a
 *       detached child tracked by a pid file and does not watch it afterwards.</li>
 * </ul>
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
