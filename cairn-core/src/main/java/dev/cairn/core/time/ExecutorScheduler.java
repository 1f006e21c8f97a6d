package dev.cairn.core.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The real {@link Scheduler}: a small pool of daemon platform threads. A task that throws is
 * logged; a repeating one keeps running.
 */
public final class ExecutorScheduler implements Scheduler {
    private static final Logger LOG = Logger.getLogger(ExecutorScheduler.class.getName());
    private final ScheduledExecutorService executor;

    public ExecutorScheduler(String name, int threads) {
        this.executor = Executors.newScheduledThreadPool(threads, Thread.ofPlatform().daemon().name(name + "-", 0).factory());
    }

    @Override
    public Task schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Task scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.scheduleWithFixedDelay(guarded(task), Math.max(0, initialDelay.toNanos()),
                Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
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
        executor.shutdownNow();
    }
}
