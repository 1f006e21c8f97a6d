package dev.cairn.agent.service;

import java.util.List;

/**
 * How a service is checked: {@code process} (liveness of its process, the default), {@code command}
 * (exit 0 = healthy), {@code http} (a 2xx/3xx answer from {@code url}) or {@code tcp} (a connection
 * to {@code host:port}), every {@code intervalMs}, each check given {@code timeoutMs}.
 */
public record MonitorSpec(String type, long intervalMs, long timeoutMs, List<String> command, String url, String host, int port) {
    public static final MonitorSpec PROCESS = new MonitorSpec("process", 1_000, 2_000, List.of(), null, null, 0);

    public MonitorSpec {
        type = type == null || type.isBlank() ? "process" : type;
        intervalMs = intervalMs <= 0 ? 1_000 : intervalMs;
        timeoutMs = timeoutMs <= 0 ? 2_000 : timeoutMs;
        command = command == null ? List.of() : List.copyOf(command);
    }
}
