package dev.cairn.controller.deploy;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the CPE and DPEs report what they decide and see (node up/down, plan computed, action
 * sent/failed, DPE restarted). The event log wires itself in here; until then, events are logged.
 */
@FunctionalInterface
public interface DeployEvents {
    void event(String type, String subject, String message, Map<String, Object> data);

    static DeployEvents logging() {
        Logger log = LoggerFactory.getLogger("dev.cairn.deploy.events");
        return (type, subject, message, data) -> log.info("{} {}: {}", type, subject, message);
    }

    /** Both: e.g. the event log and a test's recorder. */
    default DeployEvents and(DeployEvents other) {
        return (type, subject, message, data) -> {
            event(type, subject, message, data);
            other.event(type, subject, message, data);
        };
    }
}
