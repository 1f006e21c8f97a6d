package dev.cairn.core.time;

import java.time.Duration;

/**
 * Timers for the controller's loops (CPE, DPE, liveness, retention): the loops take a
 * {@link java.time.Clock} and a scheduler instead of sleeping, so their tests drive time by hand
 * ({@link ManualScheduler}) and run without sleeping.
 */
public interface Scheduler extends AutoCloseable {
    /** A scheduled task; cancelling one that already ran or was cancelled does nothing. */
    interface Task {
        void cancel();
    }

    /** Runs {@code task} once after {@code delay}. */
    Task schedule(Duration delay, Runnable task);

    /** Runs {@code task} after {@code initialDelay}, then again {@code delay} after each run ends, until cancelled. */
    Task scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable task);

    /** Runs {@code task} as soon as possible, on a scheduler thread. */
    default Task execute(Runnable task) {
        return schedule(Duration.ZERO, task);
    }

    @Override
    void close();
}
