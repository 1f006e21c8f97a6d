package dev.cairn.controller.work;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One unit of work for one node's agent: {@code kind} says which handler runs it (e.g.
 * {@code service.start}, {@code state.run}); {@code epoch} is the leader's epoch when it was queued,
 * so agents can refuse work from a stale leader; {@code payload} is small JSON.
 */
public record WorkItem(String id, String node, String kind, long epoch, JsonNode payload, Instant created) {}
