package dev.cairn.agent.work;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs one kind of work on the agent and answers with result JSON ({@code ok} plus anything else). */
@FunctionalInterface
public interface WorkHandler {
    JsonNode handle(AgentWork work) throws Exception;
}
