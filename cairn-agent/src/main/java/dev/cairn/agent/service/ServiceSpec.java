package dev.cairn.agent.service;

import java.util.List;
import java.util.Map;

/**
 * What to run for one service of one deployment, as the controller sends it with
 * {@code service.start}: the command (argv, no shell), extra environment, the monitor, and the
 * hash of the definition (a changed definition means a restart). {@code restartOnFailure}: the
 * agent restarts the service itself when it fails (for services no policy engine looks after,
 * those that state runs start); a deployment's failed service waits for the policy engine's call.
 */
public record ServiceSpec(String deployment, String service, String hash, List<String> command, Map<String, String> env,
                          MonitorSpec monitor, long stopTimeoutMs, boolean restartOnFailure) {
    public ServiceSpec {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        monitor = monitor == null ? MonitorSpec.PROCESS : monitor;
        stopTimeoutMs = stopTimeoutMs <= 0 ? 5_000 : stopTimeoutMs;
    }

    /** A deployment's service: the policy engine decides what happens when it fails. */
    public ServiceSpec(String deployment, String service, String hash, List<String> command, Map<String, String> env,
                       MonitorSpec monitor, long stopTimeoutMs) {
        this(deployment, service, hash, command, env, monitor, stopTimeoutMs, false);
    }

    public String key() { return deployment + "/" + service; }
}
