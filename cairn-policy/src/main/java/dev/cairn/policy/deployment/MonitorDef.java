package dev.cairn.policy.deployment;

import java.util.List;

/**
 * A service's monitor as the agent runs it: {@code process} (default), {@code command}, {@code http}
 * or {@code tcp}, every {@code intervalMs}, each check within {@code timeoutMs}. The JSON shape is
 * what the agent's {@code MonitorSpec} reads.
 */
public record MonitorDef(String type, long intervalMs, long timeoutMs, List<String> command, String url, String host, int port) {
    public static final MonitorDef PROCESS = new MonitorDef("process", 1_000, 2_000, List.of(), null, null, 0);

    public MonitorDef {
        type = type == null ? "process" : type;
        command = command == null ? List.of() : List.copyOf(command);
    }
}
