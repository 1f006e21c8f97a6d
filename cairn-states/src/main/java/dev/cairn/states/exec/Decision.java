package dev.cairn.states.exec;

/** What the requisite check decided for a node (Salt's call_chunk branches). */
sealed interface Decision {
    /** Already has a final result (e.g. assigned while evaluating its prereq test node). */
    record Skip() implements Decision {}

    /** Not executed: a final result with no changes. */
    record NotRun(boolean result, String comment) implements Decision {}

    /** A prereq target whose requisite failed: its test-run result becomes final (changes cleared). */
    record FromPre() implements Decision {}

    /** Some dependency has no result yet (sequential walk only). */
    record Unmet() implements Decision {}

    /**
     * Call the state function. {@code prereqTest}: a test-mode pre-run stored for prereq checks;
     * {@code watch}: a watched target changed, so mod_watch fires if the call itself changed nothing.
     */
    record Call(boolean prereqTest, boolean watch) implements Decision {}
}
