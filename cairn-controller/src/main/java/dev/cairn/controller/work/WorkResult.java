package dev.cairn.controller.work;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** An agent's answer to a {@link WorkItem}: the item as it was, the result JSON, when it arrived. */
public record WorkResult(String id, String node, String kind, long epoch, JsonNode payload, JsonNode result, Instant time) {
    /** Results carry {@code ok}; a refusal (stale epoch, unknown kind) is {@code ok=false} with {@code refused}. */
    public boolean ok() {
        return result != null && result.path("ok").asBoolean(false);
    }
}
