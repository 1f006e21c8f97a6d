package dev.cairn.controller.events;

import dev.cairn.controller.LeaderService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only: trims the log to its {@link RetentionPolicy} every {@code interval}. Trimming is
 * idempotent (deleting what is already gone is no error), so a stale leader trimming once more
 * does no harm.
 */
public final class EventRetention implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);

    private final StoreEventLog log;
    private final RetentionPolicy policy;
    private final Duration interval;
    private final Clock clock;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> task;

    public EventRetention(StoreEventLog log, RetentionPolicy policy, Duration interval, Clock clock) {
        this.log = log;
        this.policy = policy;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public String name() { return "event-retention"; }

    @Override
    public synchronized void start(long epoch) {
        if (task != null) return;
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("event-retention").factory());
        }
        task = timer.scheduleWithFixedDelay(this::trimQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (task != null) task.cancel(true);
        task = null;
    }

    /** One trim now; returns how many events were removed. */
    public int trimNow() {
        return log.trim(policy, clock.instant());
    }

    private void trimQuietly() {
        try {
            int n = trimNow();
            if (n > 0) LOG.debug("event retention removed {} event(s)", n);
        } catch (RuntimeException e) {
            LOG.warn("event retention failed, will retry: {}", e.getMessage());
        }
    }

    /** Stops the timer thread for good (the controller is closing). */
    public synchronized void close() {
        stop();
        if (timer != null) timer.shutdownNow();
        timer = null;
    }

    public RetentionPolicy policy() { return policy; }
}
