package dev.cairn.states.exec;

import java.time.Instant;
import java.util.Map;

/**
 * The recorded outcome of one state in a run (Salt's running[tag]). {@code ran} is false for a
 * state that was evaluated but not executed (requisite failed, onchanges/onfail not triggered…).
 */
public record StateResult(String tag, String id, String sls, String module, String function, String name,
                          Boolean result, Map<String, Object> changes, String comment, int runNum, boolean ran,
                          Instant start, Instant end, Map<String, Object> outputs) {
    public long durationMs() { return start == null || end == null ? 0 : java.time.Duration.between(start, end).toMillis(); }

    public boolean succeeded() { return !Boolean.FALSE.equals(result); }
}
