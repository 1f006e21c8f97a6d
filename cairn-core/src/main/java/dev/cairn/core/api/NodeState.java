package dev.cairn.core.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a node is up or down, as the failure detector judges it; JSON {@code "up"} / {@code "down"}. */
public enum NodeState {
    UP, DOWN;

    public static NodeState of(boolean up) {
        return up ? UP : DOWN;
    }

    public boolean up() {
        return this == UP;
    }

    /** {@code up} or {@code down}: the JSON value. */
    @JsonValue
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return value();
    }
}
