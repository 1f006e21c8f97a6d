package dev.cairn.controller.instances;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.events.EventEmitter;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.Versioned;
import dev.cairn.core.time.Scheduler;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstancePolicy;
import dev.cairn.instances.InstanceRecord;
import dev.cairn.instances.Layout;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, carries every recorded install through: the request recorded the instance in its
 * {@code install} step ({@link InstanceApplier#install}); this renders the configuration into the
 * home, submits the {@code instance.states} run (recording its id in the instance), learns that
 * the run ended through a store watch, and records the instance {@code installed} (with
 * {@code instance.installed}) or the failure (with {@code instance.failed}, deleting the home the
 * install created and releasing its guard). A run that has not ended {@code timeout} after the
 * install began fails the install.
 *
 * <p>It learns of installs through a watch on the records, which reports the existing ones first:
 * a new leader takes over the installs a failed one left in their {@code install} step, following
 * a run already submitted or submitting it. (A leader that dies between submitting the run and
 * recording its id leaves a run nobody follows; the next leader submits another. States are
 * idempotent.) The steps run on the controller's scheduler, one at a time.
 */
final class Installer implements LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(Installer.class);

    private final InstanceStore store;
    private final Stages stages;
    private final InstanceStates states;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Duration timeout;
    /** Guards {@link #running}, {@link #watch} and {@link #tracked}; never held during store or file work. */
    private final Object lock = new Object();
    /** Held while an install is advanced: one step at a time. */
    private final Object work = new Object();
    private boolean running;
    private AutoCloseable watch;
    private final Map<InstanceNames.Key, Tracked> tracked = new HashMap<>();

    /**
     * An install this leader carries, known by when it began (a later install of the same
     * instance is another): the run it follows once submitted, the watch on it, its deadline.
     */
    private static final class Tracked {
        final java.time.Instant since;
        String run;
        AutoCloseable runWatch;
        Scheduler.Task deadline;

        Tracked(java.time.Instant since) {
            this.since = since;
        }

        void close() {
            if (deadline != null) deadline.cancel();
            if (runWatch != null) {
                try {
                    runWatch.close();
                } catch (Exception ignored) {
                    // the store may be going away
                }
            }
        }
    }

    Installer(InstanceStore store, Stages stages, InstanceStates states, Clock clock, Scheduler scheduler, Duration timeout) {
        this.store = store;
        this.stages = stages;
        this.states = states;
        this.clock = clock;
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    @Override
    public String name() { return "instance-installs"; }

    @Override
    public void start(long epoch) {
        synchronized (lock) {
            if (running) return;
            running = true;
        }
        AutoCloseable w = store.watchAll(this::seen); // the existing records first: installs a former leader left
        synchronized (lock) {
            if (running) {
                watch = w;
                return;
            }
        }
        closeQuietly(w);
    }

    @Override
    public void stop() {
        AutoCloseable w;
        List<Tracked> all;
        synchronized (lock) {
            running = false;
            w = watch;
            watch = null;
            all = List.copyOf(tracked.values());
            tracked.clear();
        }
        closeQuietly(w);
        all.forEach(Tracked::close);
    }

    /** How many installs this leader is carrying (for tests). */
    int carrying() {
        synchronized (lock) {
            return tracked.size();
        }
    }

    private void seen(InstanceRecord r) {
        if (!r.installing()) return;
        Tracked replaced;
        synchronized (lock) {
            Tracked t = running ? tracked.get(r.key()) : null;
            if (!running || (t != null && java.util.Objects.equals(t.since, r.stepStartedAt()))) return;
            replaced = tracked.put(r.key(), new Tracked(r.stepStartedAt())); // a new install took over a stale one: follow the new one
        }
        if (replaced != null) replaced.close();
        scheduler.execute(() -> advance(r.key()));
    }

    private Tracked tracked(InstanceNames.Key k) {
        synchronized (lock) {
            return running ? tracked.get(k) : null;
        }
    }

    private void untrack(InstanceNames.Key k, Tracked t) {
        synchronized (lock) {
            if (tracked.get(k) != t) return;
            tracked.remove(k);
        }
        t.close();
    }

    /** The record while it is still the install {@code t} carries; else that install is over for this leader. */
    private Optional<InstanceRecord> current(InstanceNames.Key k, Tracked t) {
        Optional<InstanceRecord> r = store.find(k).map(Versioned::value).filter(c -> same(c, t.since));
        if (r.isEmpty()) untrack(k, t);
        return r;
    }

    /** Whether {@code c} is still the install that began at {@code since} (not done, nor a later install of the instance). */
    private static boolean same(InstanceRecord c, java.time.Instant since) {
        return c.installing() && java.util.Objects.equals(since, c.stepStartedAt());
    }

    /** Renders and writes the home and submits the states run, unless a former leader did; then follows the run. */
    private void advance(InstanceNames.Key k) {
        synchronized (work) {
            Tracked t = tracked(k);
            if (t == null) return;
            Optional<InstanceRecord> cur = current(k, t);
            if (cur.isEmpty()) return;
            InstanceRecord r = cur.get();
            try {
                String run = r.installRun();
                if (run == null) {
                    InstallPlan plan = InstallPlan.of(stages, r);
                    plan.writeHome();
                    if (plan.states().isEmpty()) {
                        complete(t, r, plan);
                        return;
                    }
                    String submitted = states.submit(plan.states().get(), plan.target());
                    store.update(k, c -> c.isPresent() && same(c.get(), t.since) && c.get().installRun() == null
                            ? Change.put(c.get().withInstall(c.get().install().withRun(submitted))) : Change.none());
                    run = submitted;
                }
                follow(k, t, run, r);
            } catch (RuntimeException e) {
                fail(t, r, InstanceRecord.Failure.of(e));
            }
        }
    }

    private void follow(InstanceNames.Key k, Tracked t, String run, InstanceRecord r) {
        AutoCloseable w = states.watch(run, () -> scheduler.execute(() -> check(k)));
        Scheduler.Task d = scheduler.schedule(Duration.between(clock.instant(), r.stepStartedAt().plus(timeout)), () -> timedOut(k));
        synchronized (lock) {
            if (running && tracked.get(k) == t) {
                t.run = run;
                t.runWatch = w;
                t.deadline = d;
                w = null;
            }
        }
        if (w != null) { // stopped, or another install took over, meanwhile
            closeQuietly(w);
            d.cancel();
            return;
        }
        scheduler.execute(() -> check(k)); // in case it ended before the watch opened
    }

    /** Records the outcome once the run ended. */
    private void check(InstanceNames.Key k) {
        synchronized (work) {
            Tracked t = tracked(k);
            if (t == null || t.run == null) return;
            Optional<InstanceRecord> r = current(k, t);
            if (r.isEmpty()) return;
            try {
                Optional<InstanceStates.Outcome> o = states.outcome(t.run);
                if (o.isEmpty()) return;
                if (o.get().succeeded()) complete(t, r.get(), InstallPlan.of(stages, r.get()));
                else fail(t, r.get(), statesFailed(k, o.get().failure()));
            } catch (RuntimeException e) {
                fail(t, r.get(), InstanceRecord.Failure.of(e));
            }
        }
    }

    private void timedOut(InstanceNames.Key k) {
        synchronized (work) {
            Tracked t = tracked(k);
            if (t == null || t.run == null) return;
            current(k, t).ifPresent(r -> fail(t, r, statesFailed(k, "state run " + t.run + " did not finish within " + timeout.toSeconds() + "s")));
        }
    }

    private static InstanceRecord.Failure statesFailed(InstanceNames.Key k, String why) {
        return new InstanceRecord.Failure(ErrorCode.OPERATION_FAILED, "instance.states of " + k + " failed: " + why,
                "fix the states (or the nodes) and install again");
    }

    private void complete(Tracked t, InstanceRecord r, InstallPlan plan) {
        InstanceRecord done = r.installed(plan.rendered().service().orElse(null), plan.rendered().notRunnable(), clock.instant());
        store.update(r.key(), c -> c.isPresent() && same(c.get(), t.since)
                ? Change.put(done, EventEmitter.draft("instance.installed", r.key().toString(), r.app() + "@" + r.version() + " installed as "
                        + r.key() + " in " + r.home(), Map.of("app", r.app(), "version", r.version(), "home", r.home())))
                : Change.none());
        untrack(r.key(), t);
    }

    /** The install failed: the home it created goes, the guard is released and the failure recorded with its event. */
    private void fail(Tracked t, InstanceRecord r, InstanceRecord.Failure failure) {
        LOG.info("install of {} failed: {}", r.key(), failure.message());
        if (r.install() != null && r.install().createsHome()) {
            Path home = Path.of(r.home());
            try {
                if (Layout.within(stages.layout().root(), home) && !home.equals(stages.layout().root())) Stages.deleteTree(home);
            } catch (CairnException e) {
                LOG.warn("cannot delete the home of the failed install of {}: {}", r.key(), e.getMessage());
            }
        }
        store.fail(r.key(), InstanceRecord.Step.INSTALL, failure, InstancePolicy.parse(r.policy()).guard(r.app(), r.role()), clock.instant(),
                c -> same(c, t.since));
        untrack(r.key(), t);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // the store may be going away
        }
    }
}
