package dev.cairn.agent.service;

import java.time.Instant;

/**
 * A service as this agent observes it: {@code running}, {@code failed} (its monitor failed or it
 * exited; it has been stopped) or {@code stopped}; the fail count since the agent started it first;
 * whether it was adopted from an earlier run of the agent.
 */
public record ServiceReport(String deployment, String service, String hash, String state, long pid, Instant since,
                            int failCount, boolean adopted, String detail) {}
