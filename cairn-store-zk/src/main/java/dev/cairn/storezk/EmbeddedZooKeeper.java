package dev.cairn.storezk;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A standalone ZooKeeper server inside the JVM for {@code cairn up}: data (snapshots and
 * transaction log) under a directory so a restart keeps every entry, bound to 127.0.0.1 only.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory) {
        this.server = server;
        this.factory = factory;
    }

    /** Starts a server with its data in {@code dataDir}; port 0 picks a free port. */
    public static EmbeddedZooKeeper start(Path dataDir, int port) {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.jmx.log4j.disable", "true");
        try {
            Files.createDirectories(dataDir);
            File dir = dataDir.toFile();
            if (!dir.canWrite()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "data directory " + dataDir + " is not writable",
                        "choose another with --data or fix its permissions");
            }
            ZooKeeperServer zks = new ZooKeeperServer(new File(dir, "snapshots"), new File(dir, "log"), 500);
            ServerCnxnFactory f = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 200);
            try {
                f.startup(zks);
            } catch (RuntimeException | LinkageError e) {
                f.shutdown();
                throw new CairnException(ErrorCode.INTERNAL, "the embedded ZooKeeper failed to start: " + e, "see the log above", e);
            }
            if (!zks.isRunning()) {
                f.shutdown();
                throw new CairnException(ErrorCode.INTERNAL, "the embedded ZooKeeper did not start (data in " + dataDir + ")",
                        "check the data directory; move it aside to start from empty");
            }
            return new EmbeddedZooKeeper(zks, f);
        } catch (BindException e) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "cannot bind the embedded ZooKeeper to 127.0.0.1:" + port + ": " + e.getMessage(),
                    "another process uses that port; stop it or choose another");
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot use data directory " + dataDir + ": " + e.getMessage(),
                    "choose another with --data or fix its permissions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.INTERNAL, "interrupted while starting ZooKeeper", null, e);
        }
    }

    public int port() {
        return factory.getLocalPort();
    }

    public String connectString() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown(true);
    }
}
