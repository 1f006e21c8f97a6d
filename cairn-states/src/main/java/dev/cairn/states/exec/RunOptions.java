package dev.cairn.states.exec;

/**
 * How to execute a plan: dry run ({@code test}), global failhard, the parallelism bound of
 * justdoit/genius (default cores × 4), and a listener for results as they become final.
 */
public record RunOptions(boolean test, boolean failhard, int parallelism, StateListener listener) {
    public static RunOptions defaults() {
        return new RunOptions(false, false, Runtime.getRuntime().availableProcessors() * 4, StateListener.NONE);
    }

    public RunOptions withTest(boolean t) { return new RunOptions(t, failhard, parallelism, listener); }

    public RunOptions withListener(StateListener l) { return new RunOptions(test, failhard, parallelism, l); }

    public RunOptions withParallelism(int p) { return new RunOptions(test, failhard, p, listener); }
}
