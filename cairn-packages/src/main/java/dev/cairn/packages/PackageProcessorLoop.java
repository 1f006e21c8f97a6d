package dev.cairn.packages;

import dev.cairn.core.storage.PackageStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a {@link PackageProcessor} on one thread while this controller is the leader: the controller
 * calls {@link #start()} when it acquires leadership and {@link #stop()} when it loses it (or the
 * store connection is SUSPENDED/LOST). Up to {@code parallelism} coordinates are processed at once
 * (ZooKeeper and the filesystem both commit concurrent writes in groups). The loop runs another pass
 * at once after a pass that got something done, is woken by {@link #wake()} (the controller's API
 * calls it after queueing a request), and otherwise looks at the queue every {@code pollInterval}
 * (requests queued through another controller, retries whose backoff ran out). It does not watch
 * the queue in the store: a watch on a directory of a thousand entries costs a re-listing per change,
 * which under load cost more than the work itself. Every {@code maintenanceInterval} it also repairs
 * orphaned files (row 8) and collects staged uploads.
 */
public final class PackageProcessorLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PackageProcessorLoop.class.getName());

    private final PackageProcessor processor;
    private final PackageQueue queue;
    private final PackageStorage storage;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration maintenanceInterval;
    private final int parallelism;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean dirty = true;
    private volatile boolean running;
    private Thread thread;

    public PackageProcessorLoop(PackageProcessor processor, PackageQueue queue, PackageStorage storage, Clock clock,
                                Duration pollInterval, Duration maintenanceInterval, int parallelism) {
        this.parallelism = parallelism;
        this.processor = processor;
        this.queue = queue;
        this.storage = storage;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.maintenanceInterval = maintenanceInterval;
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        thread = Thread.ofVirtual().name("cairn-package-processor").start(this::run);
    }

    /**
     * Stops taking new operations and returns within a few seconds; an operation in progress finishes
     * its current step in the background (steps are idempotent, so a new leader redoing it is safe).
     */
    public synchronized void stop() {
        if (!running) return;
        running = false;
        wake();
        try {
            thread.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean running() { return running; }

    public void wake() {
        lock.lock();
        try {
            dirty = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Instant lastMaintenance = Instant.MIN;
        while (running) {
            try {
                PackageProcessor.Report done = processor.processQueue(clock.instant(), parallelism, () -> running);
                if (!running) break;
                boolean worked = done.outcomes().values().stream()
                        .anyMatch(o -> o != PackageProcessor.Outcome.WAITING && o != PackageProcessor.Outcome.NOTHING);
                Instant now = clock.instant();
                if (Duration.between(lastMaintenance.equals(Instant.MIN) ? now.minus(maintenanceInterval) : lastMaintenance, now)
                        .compareTo(maintenanceInterval) >= 0) {
                    processor.repairOrphans();
                    StagedUploads.collect(storage, queue, now, StagedUploads.DEFAULT_GRACE);
                    lastMaintenance = now;
                }
                if (worked) continue; // more may have been queued meanwhile
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "package processor pass failed; retrying: " + e.getMessage(), e);
            }
            awaitChange();
        }
    }

    private void awaitChange() {
        lock.lock();
        try {
            if (!dirty && running) changed.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            dirty = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() { stop(); }
}
