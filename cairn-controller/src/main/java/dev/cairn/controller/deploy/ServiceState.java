package dev.cairn.controller.deploy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A service's state in {@code deployment show}: JSON {@code "pending"}, {@code "running"}, ... */
public enum ServiceState {
    PENDING, STARTING, RUNNING, STOPPING, STOPPED, FAILED, BLOCKED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value();
    }
}
