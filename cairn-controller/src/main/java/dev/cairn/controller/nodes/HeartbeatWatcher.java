package dev.cairn.controller.nodes;

/**
 * Feeds every heartbeat stored (whichever controller took it) into this controller's
 * {@link PhiAccrualDetector}, so all controllers judge nodes alike: the leader to move services,
 * every controller to answer {@code node list}. It reads the stored heartbeats once, then watches
 * the controllers' digests: one store change per heartbeat write instead of one per node.
 */
final class HeartbeatWatcher implements AutoCloseable {
    private final AutoCloseable watch;

    HeartbeatWatcher(NodeRegistry registry, PhiAccrualDetector detector) {
        // what is stored now (nodes whose controller is gone have no digest any more) ...
        registry.storedHeartbeats().forEach(detector::heartbeat);
        // ... then every controller's digest of each heartbeat write
        this.watch = registry.watchDigests(times -> times.forEach(detector::heartbeat));
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (Exception ignored) {
            // store already closed
        }
    }
}
