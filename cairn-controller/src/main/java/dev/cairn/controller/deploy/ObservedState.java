package dev.cairn.controller.deploy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A service copy's state as its agent reports it: {@code running}; {@code failed} (its monitor
 * failed or it exited, and it has been stopped); or {@code stopped}.
 */
public enum ObservedState {
    RUNNING, FAILED, STOPPED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value();
    }
}
