package dev.cairn.controller.deploy;

import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.core.Json;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every heartbeat stored at {@code /heartbeats/<node>} (whichever controller took it) into this
 * controller's {@link PhiAccrualDetector}, so all controllers judge nodes alike: the leader to move
 * services, every controller to answer {@code node list}.
 */
public final class HeartbeatWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWatcher.class);
    private final AutoCloseable watch;

    public HeartbeatWatcher(CoordinationStore store, PhiAccrualDetector detector) {
        this.watch = store.watch(NodeRegistry.HEARTBEATS, e -> {
            List<String> segs = e.path().segments();
            if (segs.size() != 2) return;
            String node = e.path().name();
            if (e.type() == StoreEvent.Type.DELETED) {
                detector.forget(node);
                return;
            }
            try {
                detector.heartbeat(node, Json.read(e.data(), NodeRegistry.Heartbeat.class).time());
            } catch (RuntimeException ex) {
                LOG.debug("unreadable heartbeat for {}: {}", node, ex.getMessage());
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
