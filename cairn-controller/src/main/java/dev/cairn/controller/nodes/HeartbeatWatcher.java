package dev.cairn.controller.deploy;

import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.core.Json;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every heartbeat stored (whichever controller took it) into this controller's
 * {@link PhiAccrualDetector}, so all controllers judge nodes alike: the leader to move services,
 * every controller to answer {@code node list}. It reads {@code /heartbeats/<node>} once, then
 * watches the controllers' digests ({@link NodeRegistry#DIGESTS}): one store change per heartbeat
 * write instead of one per node.
 */
public final class HeartbeatWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWatcher.class);
    private final AutoCloseable watch;

    public HeartbeatWatcher(CoordinationStore store, PhiAccrualDetector detector) {
        // what is stored now (nodes whose controller is gone have no digest any more) ...
        for (String node : store.children(NodeRegistry.HEARTBEATS)) {
            try {
                store.get(NodeRegistry.HEARTBEATS.child(node))
                        .ifPresent(v -> detector.heartbeat(node, Json.read(v.value(), NodeRegistry.Heartbeat.class).time()));
            } catch (RuntimeException ex) {
                LOG.debug("unreadable heartbeat for {}: {}", node, ex.getMessage());
            }
        }
        // ... then every controller's digest of each heartbeat write
        this.watch = store.watch(NodeRegistry.DIGESTS, e -> {
            if (e.path().segments().size() != 2 || e.type() == StoreEvent.Type.DELETED) return;
            try {
                for (var t : Json.read(e.data(), NodeRegistry.Digest.class).times().entrySet()) detector.heartbeat(t.getKey(), t.getValue());
            } catch (RuntimeException ex) {
                LOG.debug("unreadable heartbeat digest {}: {}", e.path(), ex.getMessage());
            }
        });
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
