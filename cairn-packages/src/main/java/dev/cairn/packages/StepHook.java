package dev.cairn.packages;

/**
 * Called by the processor at every step boundary, before the step runs: {@code clean},
 * {@code write <path>}, {@code marker}, {@code dequeue}, {@code drop-upload}, {@code unmark},
 * {@code delete <path>}, {@code record-error}, {@code repair}. Tests use it to kill the processor at
 * each boundary (by throwing an {@link Error}); production passes {@link #NONE}.
 */
@FunctionalInterface
public interface StepHook {
    void at(Coordinate coordinate, String step);

    StepHook NONE = (c, s) -> {};
}
