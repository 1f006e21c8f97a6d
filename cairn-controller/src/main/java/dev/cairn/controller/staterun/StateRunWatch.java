package dev.cairn.controller.staterun;

import dev.cairn.controller.LeaderService;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, looks at every unfinished state run every few seconds, so a node that went down
 * mid-run is reported {@code lost} (with its event) and its work withdrawn even when nobody is
 * watching the run; runs seen finished are not looked at again.
 */
public final class StateRunWatch implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(StateRunWatch.class);

    private final StateRuns runs;
    private final Duration interval;
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> task;

    public StateRunWatch(StateRuns runs, Duration interval) {
        this.runs = runs;
        this.interval = interval;
    }

    @Override
    public String name() { return "state-run-watch"; }

    @Override
    public synchronized void start(long epoch) {
        if (task != null) return;
        if (timer == null) timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("state-run-watch").factory());
        task = timer.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (task != null) task.cancel(true);
        task = null;
    }

    public synchronized void close() {
        stop();
        if (timer != null) timer.shutdownNow();
    }

    /** One look at every unfinished run; returns how many are still running. */
    public int sweep() {
        int running = 0;
        for (StateRuns.StateRun r : runs.list()) {
            if (finished.contains(r.id())) continue;
            Map<String, Object> shown = runs.show(r.id()); // marks parts lost whose node is down
            if ("running".equals(shown.get("status"))) running++;
            else finished.add(r.id());
        }
        return running;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("state run watch failed, will retry: {}", e.getMessage());
        }
    }
}
