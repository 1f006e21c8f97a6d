package dev.cairn.controller;

import java.time.Duration;

/** How a controller runs: its id, where it listens, and the heartbeat timeout for nodes. */
public record ControllerConfig(String id, String host, int port, Duration heartbeatTimeout) {
    public static ControllerConfig defaults(String id, int port) {
        return new ControllerConfig(id, "127.0.0.1", port, Duration.ofSeconds(2));
    }
}
