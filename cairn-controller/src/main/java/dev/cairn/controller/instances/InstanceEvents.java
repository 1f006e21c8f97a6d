package dev.cairn.controller.instances;

import java.util.Map;

/** Where the instance subsystem reports each step; wired to the event log. Must not throw. */
@FunctionalInterface
public interface InstanceEvents {
    void emit(String type, String subject, String message, Map<String, Object> data);

    InstanceEvents NONE = (t, s, m, d) -> {};
}
