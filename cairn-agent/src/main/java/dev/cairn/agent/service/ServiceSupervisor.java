package dev.cairn.agent.service;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.time.ExecutorScheduler;
import dev.cairn.core.time.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs services as child processes, each in its own session and process group ({@code setsid}), so
 * that stopping one kills everything it started. Output goes to a rotating log file in the
 * service's directory; a pid file there lets the next run of the agent find services left from an
 * earlier one (recognised by pid and process start time) and keep watching them until the
 * controller says otherwise. A monitor per service checks it; a failed service is killed and
 * reported {@code failed} with its fail count; what happens next (restart here, move, give up) is
 * the policy engine's call, except for services whose spec says {@code restartOnFailure} (those
 * state runs start, which no policy engine looks after): the supervisor restarts them itself,
 * after a delay that doubles with each failure (1 s, 2 s, … at most 30 s).
 */
public final class ServiceSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceSupervisor.class);
    static final String PID_FILE = "pid.json";

    /** What the pid file holds. */
    record PidFile(long pid, long startedAtMs, Instant since, ServiceSpec spec) {}

    private final Path root;
    private final Clock clock;
    private final Runnable onChange;
    private final long maxLogBytes;
    private final Map<String, Entry> services = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final Thread rotator;
    /** Runs the restarts of {@code restartOnFailure} services; the supervisor's own when none is given. */
    private final Scheduler restarts;
    private final boolean ownsRestarts;
    static final Duration FIRST_RESTART = Duration.ofSeconds(1);
    static final Duration LONGEST_RESTART = Duration.ofSeconds(30);

    private static final class Entry {
        volatile ServiceSpec spec;
        volatile String state = "stopped";
        volatile long pid;
        volatile Instant since;
        volatile int failCount;
        volatile boolean adopted;
        volatile String detail;
        volatile Process process;
        volatile long generation;
    }

    public ServiceSupervisor(Path root, Clock clock, Runnable onChange, long maxLogBytes) {
        this(root, clock, null, onChange, maxLogBytes);
    }

    /** With {@code restarts} running the restarts of {@code restartOnFailure} services (null: a thread of the supervisor's own). */
    public ServiceSupervisor(Path root, Clock clock, Scheduler restarts, Runnable onChange, long maxLogBytes) {
        this.root = root;
        this.clock = clock;
        this.onChange = onChange == null ? () -> { } : onChange;
        this.maxLogBytes = maxLogBytes;
        this.ownsRestarts = restarts == null;
        this.restarts = restarts == null ? new ExecutorScheduler("service-restarts", 1) : restarts;
        this.rotator = Thread.ofVirtual().name("log-rotate").start(this::rotateLoop);
    }

    public ServiceSupervisor(Path root, Runnable onChange) {
        this(root, Clock.systemUTC(), onChange, 10L << 20);
    }

    public Path serviceDir(String deployment, String service) {
        return root.resolve(deployment).resolve(service);
    }

    /** Starts the service unless it already runs this definition; a changed definition restarts it. */
    public synchronized ServiceReport start(ServiceSpec spec) throws IOException {
        if (spec.command().isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "service " + spec.key() + " has no command", "give it a command");
        }
        Entry e = services.computeIfAbsent(spec.key(), k -> new Entry());
        if (e.state.equals("running") && ProcessGroups.alive(e.pid)) {
            if (spec.hash() != null && spec.hash().equals(e.spec.hash())) return report(e);
            stopEntry(e, "definition changed");
        }
        Path dir = serviceDir(spec.deployment(), spec.service());
        Files.createDirectories(dir);
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.addAll(spec.command());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LogFiles.current(dir).toFile()));
        pb.environment().putAll(spec.env());
        pb.environment().put("CAIRN_DEPLOYMENT", spec.deployment());
        pb.environment().put("CAIRN_SERVICE", spec.service());
        Process p;
        try {
            p = ProcessGroups.start(pb);
        } catch (IOException ex) {
            if (e.spec == null) services.remove(spec.key());
            throw ex;
        }
        long gen = ++e.generation;
        e.spec = spec;
        e.process = p;
        e.pid = p.pid();
        e.adopted = false;
        e.state = "running";
        e.detail = null;
        e.since = clock.instant();
        long startedAt = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        writePid(dir, new PidFile(p.pid(), startedAt, e.since, spec));
        LOG.info("started {} as pid {}", spec.key(), p.pid());
        startMonitor(e, gen);
        onChange.run();
        return report(e);
    }

    /** Stops the service and everything in its process group; stopping what does not run is fine. */
    public synchronized ServiceReport stop(String deployment, String service) {
        Entry e = services.get(deployment + "/" + service);
        if (e == null) {
            return new ServiceReport(deployment, service, null, "stopped", 0, clock.instant(), 0, false, null);
        }
        if (e.state.equals("running")) stopEntry(e, "stop requested");
        e.state = "stopped";
        ServiceReport r = report(e);
        if (e.failCount == 0) services.remove(deployment + "/" + service);
        onChange.run();
        return r;
    }

    private void stopEntry(Entry e, String why) {
        e.generation++;
        long pid = e.pid;
        if (pid > 0) {
            ProcessGroups.signal(pid, "TERM");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(e.spec.stopTimeoutMs());
            while (ProcessGroups.alive(pid) && System.nanoTime() < deadline) sleep(50);
            ProcessGroups.signal(pid, "KILL");
            // just started, setsid may not have made its group yet: kill the process itself too
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Process p = e.process;
            if (p != null) {
                try {
                    p.waitFor(2, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        deletePid(e.spec);
        if (!e.state.equals("failed")) {
            e.state = "stopped";
            e.detail = why;
        }
        e.since = clock.instant();
        e.pid = 0;
        e.process = null;
        LOG.info("stopped {} ({})", e.spec.key(), why);
    }

    /** After a monitor failure: kill the group, count the failure, report; restart it later when its spec says so. */
    private synchronized void failed(Entry e, long gen, String why) {
        if (e.generation != gen || !e.state.equals("running")) return;
        LOG.warn("service {} failed: {}", e.spec.key(), why);
        e.failCount++;
        e.state = "failed";
        e.detail = why;
        stopEntry(e, why);
        onChange.run();
        if (e.spec.restartOnFailure() && !closed) scheduleRestart(e);
    }

    /** How long a service that failed {@code failures} times waits before it is restarted. */
    static Duration restartDelay(int failures) {
        Duration d = FIRST_RESTART.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 5));
        return d.compareTo(LONGEST_RESTART) > 0 ? LONGEST_RESTART : d;
    }

    private void scheduleRestart(Entry e) {
        long gen = e.generation;
        Duration delay = restartDelay(e.failCount);
        LOG.info("restarting {} in {} ms (failure {})", e.spec.key(), delay.toMillis(), e.failCount);
        restarts.schedule(delay, () -> restart(e, gen));
    }

    /** Restarts a failed service unless it was stopped or started meanwhile, or the supervisor closed. */
    private synchronized void restart(Entry e, long gen) {
        if (closed || e.generation != gen || !e.state.equals("failed")) return;
        try {
            start(e.spec);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("cannot restart {}: {}", e.spec.key(), ex.getMessage());
            e.failCount++;
            e.detail = "restart failed: " + ex.getMessage();
            onChange.run();
            scheduleRestart(e);
        }
    }

    /** The service as observed now, if this supervisor knows it. */
    public Optional<ServiceReport> report(String deployment, String service) {
        Entry e = services.get(deployment + "/" + service);
        return e == null || e.spec == null ? Optional.empty() : Optional.of(report(e));
    }

    /** How long a tcp/http-monitored service may take to answer for the first time (at least 3 intervals). */
    static final long START_GRACE_MS = 10_000;

    private void startMonitor(Entry e, long gen) {
        MonitorSpec m = e.spec.monitor();
        Process p = e.process;
        if (p != null) p.onExit().thenRun(() -> failed(e, gen, "process exited with " + p.exitValue()));
        Path dir = serviceDir(e.spec.deployment(), e.spec.service());
        // start-up grace for network monitors: a service that has not yet answered once is not failed
        // by its tcp/http check until the grace ends (as a startup probe); its process exiting still is
        boolean network = "tcp".equals(m.type()) || "http".equals(m.type());
        long graceEnd = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                network ? Math.max(START_GRACE_MS, 3 * m.intervalMs()) : 0);
        // a process monitor of a child we started needs no polling: its exit is reported as it happens
        if ("process".equals(m.type()) && p != null) return;
        Thread.ofVirtual().name("monitor-" + e.spec.key()).start(() -> {
            boolean answered = false;
            while (!closed && e.generation == gen) {
                sleep(m.intervalMs());
                if (closed || e.generation != gen) return;
                Optional<String> problem = Monitors.check(m, e.pid, dir);
                if (problem.isEmpty()) {
                    answered = true;
                } else if (!answered && System.nanoTime() < graceEnd) {
                    continue; // still starting up
                } else if (e.generation == gen) {
                    failed(e, gen, problem.get() + (answered ? "" : " (never answered during the start-up grace)"));
                    return;
                }
            }
        });
    }

    /**
     * Finds services left running by an earlier run of this agent and watches them again; their
     * pid files are removed when the process is gone (or is some other process now).
     */
    public synchronized List<ServiceReport> recoverLeftovers() {
        List<ServiceReport> found = new ArrayList<>();
        if (!Files.isDirectory(root)) return found;
        try (Stream<Path> files = Files.find(root, 3, (p, a) -> p.getFileName().toString().equals(PID_FILE))) {
            for (Path f : files.sorted().toList()) {
                PidFile pf;
                try {
                    pf = Json.read(Files.readAllBytes(f), PidFile.class);
                } catch (IOException | CairnException ex) {
                    Files.deleteIfExists(f);
                    continue;
                }
                Optional<Instant> st = ProcessGroups.startTime(pf.pid());
                boolean ours = st.isPresent() && Math.abs(st.get().toEpochMilli() - pf.startedAtMs()) < 2_000;
                if (!ours) {
                    Files.deleteIfExists(f);
                    continue;
                }
                Entry e = services.computeIfAbsent(pf.spec().key(), k -> new Entry());
                e.spec = pf.spec();
                e.pid = pf.pid();
                e.process = null;
                e.adopted = true;
                e.state = "running";
                e.since = pf.since();
                long gen = ++e.generation;
                startMonitor(e, gen);
                LOG.info("found {} still running as pid {} from an earlier run", pf.spec().key(), pf.pid());
                found.add(report(e));
            }
        } catch (IOException ex) {
            LOG.warn("cannot scan {} for services left from an earlier run: {}", root, ex.getMessage());
        }
        if (!found.isEmpty()) onChange.run();
        return found;
    }

    public List<ServiceReport> reports() {
        List<ServiceReport> out = new ArrayList<>();
        for (Entry e : services.values()) {
            if (e.spec != null) out.add(report(e)); // null: a first start is still being set up
        }
        out.sort(Comparator.comparing(ServiceReport::deployment).thenComparing(ServiceReport::service));
        return out;
    }

    private static ServiceReport report(Entry e) {
        return new ServiceReport(e.spec.deployment(), e.spec.service(), e.spec.hash(), e.state, e.pid, e.since,
                e.failCount, e.adopted, e.detail);
    }

    /** Stops every service (used when the node leaves for good, and by tests). */
    public synchronized void stopAll() {
        for (Entry e : new ArrayList<>(services.values())) {
            if (e.state.equals("running")) stopEntry(e, "agent stopping all services");
        }
        services.clear();
        onChange.run();
    }

    private void writePid(Path dir, PidFile pf) throws IOException {
        Path tmp = dir.resolve(PID_FILE + ".tmp");
        Files.write(tmp, Json.bytes(pf));
        Files.move(tmp, dir.resolve(PID_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void deletePid(ServiceSpec spec) {
        try {
            Files.deleteIfExists(serviceDir(spec.deployment(), spec.service()).resolve(PID_FILE));
        } catch (IOException ignored) {
            // the next start rewrites it
        }
    }

    private void rotateLoop() {
        while (!closed) {
            sleep(2_000);
            for (Entry e : services.values()) {
                if (e.spec == null) continue;
                try {
                    LogFiles.rotateIfLarger(serviceDir(e.spec.deployment(), e.spec.service()), maxLogBytes, 3);
                } catch (IOException ex) {
                    LOG.debug("log rotation for {}: {}", e.spec.key(), ex.getMessage());
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Duration defaultStopTimeout() { return Duration.ofSeconds(5); }

    /** Stops watching; the services themselves keep running (they outlive the agent by design). */
    @Override
    public void close() {
        closed = true;
        for (Entry e : services.values()) e.generation++;
        rotator.interrupt();
        if (ownsRestarts) restarts.close();
    }
}
