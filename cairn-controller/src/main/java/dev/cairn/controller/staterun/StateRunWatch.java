package dev.cairn.controller.staterun;

import dev.cairn.controller.LeaderService;
import dev.cairn.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, looks at every unfinished state run every {@code interval} (on the controller's
 * scheduler), so a part whose node went down mid-run is reported {@code lost} (with its event) and
 * its work withdrawn, and a part whose work item the agent refused is reported {@code failed}, even
 * when nobody is watching the run. Runs seen finished are not looked at again; with no unfinished
 * run, a look costs one listing of the runs. A node going down is the absence of heartbeats, which
 * no store change announces: hence a timer rather than a watch.
 */
public final class StateRunWatch implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(StateRunWatch.class);

    private final StateRuns runs;
    private final Scheduler scheduler;
    private final Duration interval;
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private Scheduler.Task task;

    public StateRunWatch(StateRuns runs, Scheduler scheduler, Duration interval) {
        this.runs = runs;
        this.scheduler = scheduler;
        this.interval = interval;
    }

    @Override
    public String name() { return "state-run-watch"; }

    @Override
    public synchronized void start(long epoch) {
        if (task != null) return;
        task = scheduler.scheduleWithFixedDelay(Duration.ZERO, interval, this::sweepQuietly);
    }

    @Override
    public synchronized void stop() {
        if (task != null) task.cancel();
        task = null;
    }

    /** One look at every unfinished run; returns how many are still running. */
    public int sweep() {
        List<String> open = new ArrayList<>();
        for (String id : runs.ids()) if (!finished.contains(id)) open.add(id);
        if (open.isEmpty()) return 0;
        Set<String> up = runs.upNodes();
        int running = 0;
        for (String id : open) {
            Optional<StateRuns.RunStatus> s = runs.reconcile(id, up);
            if (s.isEmpty()) continue; // being submitted: looked at next time
            if (s.get() == StateRuns.RunStatus.RUNNING) running++;
            else finished.add(id);
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
