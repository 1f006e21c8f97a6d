package dev.cairn.cli;

import dev.cairn.agent.Agent;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerAssembly;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.storezk.EmbeddedZooKeeper;
import dev.cairn.storezk.ZkCoordinationStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The embedded cluster of {@code cairn up}: a ZooKeeper server with its data under the data
 * directory, one controller, and N in-process agents talking HTTP to it. Closing it stops all of
 * them in reverse order; starting it again on the same directory finds the same state.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedZooKeeper zk;
    private final ZkCoordinationStore store;
    private final Controller controller;
    private final List<Agent> agents = new ArrayList<>();

    private EmbeddedCluster(Path dataDir, FileChannel lockChannel, FileLock lock, EmbeddedZooKeeper zk,
                            ZkCoordinationStore store, Controller controller) {
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.zk = zk;
        this.store = store;
        this.controller = controller;
    }

    public static EmbeddedCluster start(Path dataDir, int port, int agentCount) {
        return start(dataDir, port, agentCount, dev.cairn.controller.events.EventOptions.defaults());
    }

    public static EmbeddedCluster start(Path dataDir, int port, int agentCount, dev.cairn.controller.events.EventOptions events) {
        Path dir = dataDir.toAbsolutePath().normalize();
        FileChannel ch = null;
        FileLock lock = null;
        EmbeddedZooKeeper zk = null;
        ZkCoordinationStore store = null;
        Controller controller = null;
        try {
            try {
                Files.createDirectories(dir);
                ch = FileChannel.open(dir.resolve("cairn.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (AccessDeniedException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "data directory " + dir + " is not writable",
                        "choose another with --data or fix its permissions");
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "cannot use data directory " + dir + ": " + e.getMessage(),
                        "choose another with --data");
            }
            try {
                lock = ch.tryLock();
            } catch (IOException | OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new CairnException(ErrorCode.CONFLICT, "another 'cairn up' is already running on " + dir,
                        "stop it first, or use another --data directory");
            }
            zk = EmbeddedZooKeeper.start(dir.resolve("zk"), 0);
            store = ZkCoordinationStore.connect(zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(20));
            ClusterPaths paths = new ClusterPaths(dir);
            controller = ControllerAssembly.assemble(ControllerConfig.defaults("embedded", port).withEvents(events), store,
                    paths.openStorage(), paths.shared()).controller().start();
            EmbeddedCluster c = new EmbeddedCluster(dir, ch, lock, zk, store, controller);
            for (int i = 1; i <= agentCount; i++) {
                c.agents.add(new Agent(controller.url(), "node-" + i, Map.of("embedded", "true"), Duration.ofMillis(500),
                        dir.resolve("agents").resolve("node-" + i), dir.resolve("trusted-keys")).start());
            }
            return c;
        } catch (RuntimeException e) {
            if (controller != null) controller.close();
            if (store != null) store.close();
            if (zk != null) zk.close();
            try {
                if (lock != null) lock.release();
                if (ch != null) ch.close();
            } catch (IOException ignored) {
                // best effort on the way out
            }
            throw e;
        }
    }

    public Controller controller() { return controller; }

    public List<Agent> agents() { return Collections.unmodifiableList(agents); }

    public Path dataDir() { return dataDir; }

    public String url() { return controller.url(); }

    @Override
    public void close() {
        // a clean stop of the embedded cluster stops the services its agents run: nothing is left behind
        for (int i = agents.size() - 1; i >= 0; i--) {
            agents.get(i).close();
            agents.get(i).services().stopAll();
        }
        controller.close();
        store.close();
        zk.close();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
