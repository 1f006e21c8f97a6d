package dev.cairn.controller.nodes;

import java.time.Instant;
import java.util.Map;

/** A node as stored at {@code /nodes/<name>}: registration data, not liveness. */
public record NodeRecord(String name, Map<String, String> labels, Instant registeredAt, boolean standby) {
    public NodeRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public NodeRecord withStandby(boolean s) {
        return new NodeRecord(name, labels, registeredAt, s);
    }
}
