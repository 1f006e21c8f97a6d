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

    /** Starts a server with its data in {@code dataDir}; port 0 picks a free port. Znodes are as open as their creators make them. */
    public static EmbeddedZooKeeper start(Path dataDir, int port) {
        return start(dataDir, port, ZkSecurity.none());
    }

    /**
     * Starts a server and, with a digest secret in {@code security}, makes the Cairn root
     * ({@code /cairn}) Cairn's before any client can connect to it: created with the ACL that only
     * Cairn's identity may read or write, or, when data from an unprotected run is there, every
     * znode under it given that ACL. An anonymous client on this machine then reads nothing under
     * the root ({@code NoAuth}). TLS options of {@code security} are for clients of an ensemble and
     * are not used here.
     */
    public static EmbeddedZooKeeper start(Path dataDir, int port, ZkSecurity security) {
        EmbeddedZooKeeper zk = startServer(dataDir, port);
        if (security.digestSecret().isPresent()) {
            try {
                zk.secureRoot(security);
            } catch (RuntimeException e) {
                zk.close();
                throw e;
            }
        }
        return zk;
    }

    private void secureRoot(ZkSecurity security) {
        String root = "/" + ZkCoordinationStore.NAMESPACE;
        java.util.List<org.apache.zookeeper.data.ACL> acl = security.acl();
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
        try (org.apache.zookeeper.ZooKeeper admin = new org.apache.zookeeper.ZooKeeper(connectString(), 10_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        })) {
            if (!connected.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new CairnException(ErrorCode.INTERNAL, "cannot connect to the embedded ZooKeeper at " + connectString(), "see the log above");
            }
            admin.addAuthInfo("digest", security.authBytes());
            try {
                admin.create(root, new byte[0], acl, org.apache.zookeeper.CreateMode.PERSISTENT);
            } catch (org.apache.zookeeper.KeeperException.NodeExistsException exists) {
                protect(admin, root, acl);
            }
        } catch (org.apache.zookeeper.KeeperException.NoAuthException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the data in the embedded ZooKeeper belongs to another identity (" + e.getPath() + ")",
                    "start with the zk-secret that was used to write it, or move the data directory aside to start from empty");
        } catch (org.apache.zookeeper.KeeperException e) {
            throw new CairnException(ErrorCode.INTERNAL, "cannot protect " + root + " in the embedded ZooKeeper: " + e.getMessage(), "see the log above", e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INTERNAL, "cannot connect to the embedded ZooKeeper: " + e.getMessage(), "see the log above", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.INTERNAL, "interrupted while protecting " + root, null, e);
        }
    }

    /** Gives {@code path} and everything under it {@code acl}, where it has another. */
    private static void protect(org.apache.zookeeper.ZooKeeper zk, String path, java.util.List<org.apache.zookeeper.data.ACL> acl)
            throws org.apache.zookeeper.KeeperException, InterruptedException {
        org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
        try {
            if (!zk.getACL(path, stat).equals(acl)) zk.setACL(path, acl, -1);
            for (String child : zk.getChildren(path, false)) protect(zk, path + "/" + child, acl);
        } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
            // an ephemeral or container node went away meanwhile
        }
    }

    private static EmbeddedZooKeeper startServer(Path dataDir, int port) {
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
