package dev.cairn.controller.packages;

import dev.cairn.controller.LeaderService;
import dev.cairn.packages.PackageProcessorLoop;
import dev.cairn.packages.PackageService;
import java.time.Duration;

/** The package operation processor, run by the leader only. */
public final class PackageProcessing implements LeaderService {
    private final PackageService packages;
    private final Duration pollInterval;
    private final Duration maintenanceInterval;
    private PackageProcessorLoop loop;

    public PackageProcessing(PackageService packages, Duration pollInterval, Duration maintenanceInterval) {
        this.packages = packages;
        this.pollInterval = pollInterval;
        this.maintenanceInterval = maintenanceInterval;
    }

    @Override
    public String name() { return "package-processor"; }

    @Override
    public synchronized void start(long epoch) {
        if (loop != null) return;
        loop = packages.newProcessorLoop(pollInterval, maintenanceInterval);
        loop.start();
    }

    @Override
    public synchronized void stop() {
        if (loop == null) return;
        loop.stop();
        loop = null;
    }

    /** Nudges the loop after a request queued something (no-op on followers). */
    public synchronized void wake() {
        if (loop != null) loop.wake();
    }
}
