package dev.cairn.controller.events;

import dev.cairn.controller.LeaderService;
import dev.cairn.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
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
    private final Scheduler scheduler;
    private Scheduler.Task task;

    public EventRetention(StoreEventLog log, RetentionPolicy policy, Duration interval, Clock clock, Scheduler scheduler) {
        this.log = log;
        this.policy = policy;
        this.interval = interval;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    @Override
    public String name() { return "event-retention"; }

    @Override
    public synchronized void start(long epoch) {
        if (task != null) return;
        task = scheduler.scheduleWithFixedDelay(Duration.ZERO, interval, this::trimQuietly);
    }

    @Override
    public synchronized void stop() {
        if (task != null) task.cancel();
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

    /** Stops for good (the controller is closing). */
    public synchronized void close() {
        stop();
    }

    public RetentionPolicy policy() { return policy; }
}
