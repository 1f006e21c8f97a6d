package dev.cairn.controller.staterun;

import java.util.Map;

/** Where state runs report what happened; wired to the event log. Must not throw. */
@FunctionalInterface
public interface StateRunEvents {
    void emit(String type, String subject, String message, Map<String, Object> data);

    StateRunEvents NONE = (t, s, m, d) -> {};
}
