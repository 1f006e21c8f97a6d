package dev.cairn.states.exec;

/** Receives each state's result as soon as it is final (agents report these as events). */
@FunctionalInterface
public interface StateListener {
    void onResult(StateResult result);

    StateListener NONE = r -> { };
}
