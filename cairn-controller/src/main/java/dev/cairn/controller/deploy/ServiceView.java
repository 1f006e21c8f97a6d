package dev.cairn.controller.deploy;

import java.time.Instant;

/** One line of {@code deployment show}: a service's state, where, and since when. */
public record ServiceView(String id, ServiceState state, String node, Instant since) {}
