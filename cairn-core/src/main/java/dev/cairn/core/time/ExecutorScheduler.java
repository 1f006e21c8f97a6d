package dev.cairn.core.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The real {@link Scheduler}: a small pool of daemon platform threads keeps time, and each task runs
 * on a virtual thread of its own when it falls due, so a task that waits for the store (a DPE round,
 * a liveness tick, a heartbeat write) holds up no other. A task that throws is logged; a repeating
 * one keeps running, each run starting {@code delay} after the previous one ended.
 */
public final class ExecutorScheduler implements Scheduler {
    private static final Logger LOG = Logger.getLogger(ExecutorScheduler.class.getName());
    private final ScheduledExecutorService timer;
    private final ThreadFactory runners;

    /** @param threads platform threads that keep time (tasks themselves run on virtual threads) */
    public ExecutorScheduler(String name, int threads) {
        this.timer = Executors.newScheduledThreadPool(threads, Thread.ofPlatform().daemon().name(name + "-", 0).factory());
        this.runners = Thread.ofVirtual().name(name + "-task-", 0).factory();
    }

    @Override
    public Task schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = later(delay, () -> runners.newThread(guarded(task)).start());
        return () -> {
            if (f != null) f.cancel(false);
        };
    }

    @Override
    public Task scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable task) {
        Repeating r = new Repeating(task, delay.isNegative() || delay.isZero() ? Duration.ofNanos(1) : delay);
        r.arm(initialDelay);
        return r;
    }

    private final class Repeating implements Task {
        private final Runnable task;
        private final Duration delay;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> next;

        Repeating(Runnable task, Duration delay) {
            this.task = task;
            this.delay = delay;
        }

        void arm(Duration in) {
            if (cancelled) return;
            next = later(in, () -> runners.newThread(() -> {
                if (cancelled) return;
                guarded(task).run();
                arm(delay);
            }).start());
        }

        @Override
        public void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = next;
            if (f != null) f.cancel(false);
        }
    }

    /** Null once the scheduler is closed: the task never runs. */
    private ScheduledFuture<?> later(Duration delay, Runnable start) {
        try {
            return timer.schedule(start, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "scheduled task failed: " + e, e);
            }
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
