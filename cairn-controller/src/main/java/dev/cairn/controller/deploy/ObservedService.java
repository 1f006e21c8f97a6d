package dev.cairn.controller.deploy;

import java.time.Instant;

/**
 * A service copy as an agent reports it ({@code POST /api/v1/nodes/{name}/services}): the shape of
 * the agent's {@code ServiceReport}.
 */
public record ObservedService(String deployment, String service, String hash, ObservedState state, long pid, Instant since,
                              int failCount, boolean adopted, String detail) {
    public boolean running() { return state == ObservedState.RUNNING; }
}
