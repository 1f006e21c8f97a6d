package dev.cairn.states.exec;

import java.util.Comparator;
import java.util.List;

/** The outcome of a run: every state's result in execution order (run_num). */
public record RunReport(List<StateResult> results, boolean failhardStopped) {
    public RunReport {
        results = results.stream().sorted(Comparator.comparingInt(StateResult::runNum)).toList();
    }

    public boolean allSucceeded() { return results.stream().allMatch(StateResult::succeeded); }

    public long changedCount() { return results.stream().filter(r -> !r.changes().isEmpty()).count(); }

    public long failedCount() { return results.stream().filter(r -> !r.succeeded()).count(); }
}
