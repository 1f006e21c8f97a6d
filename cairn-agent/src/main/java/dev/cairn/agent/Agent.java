package dev.cairn.agent;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.agent.service.ServiceSupervisor;
import dev.cairn.agent.service.ServiceWork;
import dev.cairn.agent.work.EpochGuard;
import dev.cairn.agent.work.WorkLoop;
import dev.cairn.core.api.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node agent. It speaks only HTTP to a controller: it registers, then heartbeats on a virtual
 * thread; when the controller is unreachable it keeps trying (with backoff, capped at the
 * heartbeat timeout) and registers again when the controller no longer knows it.
 *
 * <p>It also long-polls for work ({@link WorkLoop}), supervises the services the controller starts
 * here and those that state runs start ({@link ServiceSupervisor}, state under the data directory)
 * and reports what it observes of them on every change and every {@link #REPORT_EVERY}.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final String name;
    private final Map<String, String> labels;
    private final ApiClient client;
    private final Duration interval;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong heartbeats = new AtomicLong();
    private volatile boolean registered;
    private Thread loop;

    static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    private final Path dataDir;
    private final ServiceSupervisor services;
    private final WorkLoop work;
    private final Semaphore reportWanted = new Semaphore(0);
    private final Object reportLock = new Object();
    private Thread reporter;

    public Agent(String controllerUrl, String name, Map<String, String> labels, Duration interval) {
        this(controllerUrl, name, labels, interval, Path.of(".cairn-agent", name));
    }

    /** An agent keeping its services' pid files, logs and the highest epoch seen under {@code dataDir}. */
    public Agent(String controllerUrl, String name, Map<String, String> labels, Duration interval, Path dataDir) {
        this(controllerUrl, name, labels, interval, dataDir, null);
    }

    /**
     * Like {@link #Agent(String, String, Map, Duration, Path)}, running extension modules only when
     * their signature verifies against a key in {@code trustedKeys} (a directory of {@code *.pub} /
     * {@code *.pem} Ed25519 public keys, or one key file; null for {@code <dataDir>/trusted-keys}).
     */
    public Agent(String controllerUrl, String name, Map<String, String> labels, Duration interval, Path dataDir, Path trustedKeys) {
        this.name = Names.requireNode(name);
        this.labels = Map.copyOf(labels);
        this.client = new ApiClient(controllerUrl, Duration.ofSeconds(5));
        this.interval = interval;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.services = new ServiceSupervisor(this.dataDir.resolve("services"), reportWanted::release);
        this.work = new WorkLoop(name, client, new EpochGuard(this.dataDir.resolve("epoch")), this::reportNow);
        ServiceWork.register(work, services);
        work.handle(dev.cairn.agent.states.StateRunHandler.KIND,
                new dev.cairn.agent.states.StateRunHandler(name, client, this.dataDir.resolve("states"),
                        trustedKeys != null ? trustedKeys.toAbsolutePath().normalize() : this.dataDir.resolve("trusted-keys"), services));
    }

    public Path dataDir() { return dataDir; }

    public ServiceSupervisor services() { return services; }

    public WorkLoop work() { return work; }

    public Agent(String controllerUrl, String name, Map<String, String> labels) {
        this(controllerUrl, name, labels, Duration.ofMillis(500));
    }

    public String name() { return name; }

    public long heartbeatsSent() { return heartbeats.get(); }

    public boolean registered() { return registered; }

    /** Registers once (failing loudly if the controller cannot be reached), then heartbeats in the background. */
    public Agent start() {
        register();
        return startLoops();
    }

    /** Starts heartbeating without requiring the controller to be reachable now. */
    public Agent startLenient() {
        return startLoops();
    }

    private Agent startLoops() {
        running.set(true);
        services.recoverLeftovers();
        loop = Thread.ofVirtual().name("agent-" + name).start(this::run);
        reporter = Thread.ofVirtual().name("report-" + name).start(this::reportLoop);
        work.start();
        reportWanted.release();
        return this;
    }

    /** Posts the observed state of every service here; called on change, periodically and before work results. */
    public void reportNow() {
        synchronized (reportLock) {
            List<ServiceReport> r = services.reports();
            client.post("/api/v1/nodes/" + name + "/services", Map.of("services", r));
        }
    }

    private void reportLoop() {
        while (running.get()) {
            try {
                reportWanted.tryAcquire(REPORT_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                reportWanted.drainPermits();
                if (!running.get()) return;
                if (registered) reportNow();
            } catch (InterruptedException e) {
                return;
            } catch (CairnException e) {
                LOG.debug("agent {}: service report failed: {}", name, e.getMessage());
                sleep(500);
                reportWanted.release();
            } catch (RuntimeException e) {
                LOG.warn("agent {}: service report failed", name, e);
                sleep(500);
            }
        }
    }

    private void register() {
        client.post("/api/v1/nodes", Map.of("name", name, "labels", labels));
        registered = true;
        reportWanted.release();
    }

    private void run() {
        long backoff = interval.toMillis();
        while (running.get()) {
            try {
                if (!registered) register();
                long began = System.nanoTime();
                client.post("/api/v1/nodes/" + name + "/heartbeat", null);
                heartbeats.incrementAndGet();
                backoff = interval.toMillis();
                // one heartbeat per interval, however long the controller took to answer this one
                sleep(Math.max(0, interval.toMillis() - (System.nanoTime() - began) / 1_000_000));
            } catch (CairnException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    registered = false;
                } else if (running.get()) {
                    LOG.debug("agent {}: {}", name, e.getMessage());
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2_000);
            } catch (RuntimeException e) {
                LOG.warn("agent {}: unexpected error", name, e);
                sleep(backoff);
            }
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    /** Stops the agent's loops; the services it runs keep running (a new agent adopts them). */
    @Override
    public void close() {
        running.set(false);
        work.close();
        services.close();
        if (reporter != null) reporter.interrupt();
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
