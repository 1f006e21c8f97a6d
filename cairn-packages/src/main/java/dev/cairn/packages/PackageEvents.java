package dev.cairn.packages;

import java.util.Map;

/**
 * Where the package subsystem reports what it did. The controller wires this to the event log
 * (issue 7); tests record the calls. Types: {@code package.queued}, {@code package.processed},
 * {@code package.retried}, {@code package.failed}, {@code package.aborted}, {@code package.repaired}.
 * {@code subject} is the coordinate {@code name@version}. Implementations must not throw.
 */
@FunctionalInterface
public interface PackageEvents {
    void emit(String type, String subject, String message, Map<String, Object> data);

    PackageEvents NONE = (type, subject, message, data) -> {};
}
