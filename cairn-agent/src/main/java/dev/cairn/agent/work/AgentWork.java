package dev.cairn.agent.work;

import com.fasterxml.jackson.databind.JsonNode;

/** A work item as the agent receives it from {@code GET /api/v1/nodes/{name}/work}. */
public record AgentWork(String id, String node, String kind, long epoch, JsonNode payload) {}
