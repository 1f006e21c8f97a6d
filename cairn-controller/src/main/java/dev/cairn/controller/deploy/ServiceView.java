package dev.cairn.controller.deploy;

import java.time.Instant;

/** One line of {@code deployment show}: a service's state, where, and since when. */
public record ServiceView(String id, String state, String node, Instant since) {
    /** The states a service can be in, as {@code show} prints them. */
    public static final java.util.List<String> STATES = java.util.List.of("pending", "starting", "running", "stopping", "stopped", "failed", "blocked");
}
