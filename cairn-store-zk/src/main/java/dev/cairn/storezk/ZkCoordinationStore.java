package dev.cairn.storezk;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import dev.cairn.core.store.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The coordination store on ZooKeeper through Apache Curator.
 *
 * <p>With a {@link ZkSecurity} digest secret, sessions authenticate as Cairn and every znode is
 * created with an ACL that lets only that identity read or write it; optionally over TLS.
 *
 * <p>Every path is placed under a namespace (default {@code cairn}). Versions are znode data
 * versions. Transactions are ZooKeeper multi-ops. Connection-state policy: Curator's
 * {@code SUSPENDED}, {@code LOST} and {@code RECONNECTED} are passed on to listeners as
 * {@link ConnectionState}; {@link ZkLeaderElection} drops leadership on SUSPENDED and LOST at once
 * and re-checks it on RECONNECTED. Calls made while disconnected fail with
 * {@link ErrorCode#STORE_UNAVAILABLE} after the connection timeout rather than hanging.
 */
public final class ZkCoordinationStore implements CoordinationStore {
    /** The root znode of everything Cairn stores. */
    public static final String NAMESPACE = "cairn";

    private final CuratorFramework client;
    private final String connectString;
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.SUSPENDED;

    private ZkCoordinationStore(CuratorFramework client, String connectString) {
        this.client = client;
        this.connectString = connectString;
    }

    /** Connects without authentication or TLS (znodes open to every client), waiting up to {@code connectTimeout}. */
    public static ZkCoordinationStore connect(String connectString, Duration sessionTimeout, Duration connectTimeout) {
        return connect(connectString, sessionTimeout, connectTimeout, ZkSecurity.none());
    }

    /**
     * Connects, waiting up to {@code connectTimeout} for the first connection. With a digest
     * secret in {@code security}, the session authenticates as Cairn and every znode it creates is
     * readable and writable by that identity only; with TLS it uses the ensemble's secure port.
     * The namespace root is checked at once, so a root that belongs to another identity is a
     * clear error here rather than on the first write.
     */
    public static ZkCoordinationStore connect(String connectString, Duration sessionTimeout, Duration connectTimeout, ZkSecurity security) {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .namespace(NAMESPACE)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(connectTimeout.toMillis(), 15_000))
                .retryPolicy(new ExponentialBackoffRetry(100, 3, 1_000));
        if (security.digestSecret().isPresent()) {
            b.authorization("digest", security.authBytes()).aclProvider(security.aclProvider());
        }
        if (security.tls().isPresent()) b.zkClientConfig(security.clientConfig());
        CuratorFramework client = b.build();
        ZkCoordinationStore store = new ZkCoordinationStore(client, connectString);
        client.getConnectionStateListenable().addListener((c, s) -> store.onState(s));
        client.start();
        try {
            if (!client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                client.close();
                throw new CairnException(ErrorCode.STORE_UNAVAILABLE,
                        "cannot reach ZooKeeper at " + connectString + " within " + connectTimeout.toSeconds() + "s"
                                + (security.tls().isPresent() ? " over TLS" : ""),
                        security.tls().isPresent()
                                ? "check that the address is the ensemble's secure client port and that its certificate chains to the trust store (and accepts the client certificate)"
                                : "check that the ZooKeeper ensemble is running and the connect string (host:port[,host:port…]) is right");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "interrupted while connecting to ZooKeeper", null, e);
        }
        store.state = ConnectionState.CONNECTED;
        if (security.digestSecret().isPresent()) {
            try {
                store.children(StorePath.ROOT);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }
        return store;
    }

    public static ZkCoordinationStore connect(String connectString) {
        return connect(connectString, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    public String connectString() { return connectString; }

    CuratorFramework client() { return client; }

    private void onState(org.apache.curator.framework.state.ConnectionState s) {
        ConnectionState mapped = switch (s) {
            case CONNECTED -> ConnectionState.CONNECTED;
            case SUSPENDED, READ_ONLY -> ConnectionState.SUSPENDED;
            case LOST -> ConnectionState.LOST;
            case RECONNECTED -> ConnectionState.RECONNECTED;
        };
        state = mapped;
        for (Consumer<ConnectionState> l : listeners) {
            try {
                l.accept(mapped);
            } catch (RuntimeException ignored) {
                // a listener's failure must not stop the others from hearing about the state
            }
        }
    }

    static String zk(StorePath path) {
        return path.toString();
    }

    @Override
    public Optional<Versioned<byte[]>> get(StorePath path) {
        return call(() -> {
            Stat stat = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(stat).forPath(zk(path));
                return Optional.of(new Versioned<>(data == null ? new byte[0] : data, (long) stat.getVersion()));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<Long> createIfAbsent(StorePath path, byte[] data) {
        return create(path, data, CreateMode.PERSISTENT);
    }

    @Override
    public Optional<Long> createEphemeral(StorePath path, byte[] data) {
        return create(path, data, CreateMode.EPHEMERAL);
    }

    private Optional<Long> create(StorePath path, byte[] data, CreateMode mode) {
        return call(() -> {
            try {
                client.create().creatingParentContainersIfNeeded().withMode(mode).forPath(zk(path), data);
                return Optional.of(0L);
            } catch (KeeperException.NodeExistsException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public StorePath createSequential(StorePath prefix, String name, byte[] data) {
        return call(() -> {
            String created = client.create().creatingParentContainersIfNeeded()
                    .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(zk(prefix.child(name)), data);
            return StorePath.parse(created);
        });
    }

    @Override
    public long put(StorePath path, byte[] data) {
        return call(() -> {
            while (true) {
                try {
                    Stat s = client.setData().forPath(zk(path), data);
                    return (long) s.getVersion();
                } catch (KeeperException.NoNodeException e) {
                    try {
                        client.create().creatingParentContainersIfNeeded().forPath(zk(path), data);
                        return 0L;
                    } catch (KeeperException.NodeExistsException raced) {
                        // someone created it between our two calls: set again
                    }
                }
            }
        });
    }

    @Override
    public Optional<Long> compareAndSet(StorePath path, byte[] data, long expectedVersion) {
        return call(() -> {
            try {
                Stat s = client.setData().withVersion((int) expectedVersion).forPath(zk(path), data);
                return Optional.of((long) s.getVersion());
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean delete(StorePath path, long expectedVersion) {
        return call(() -> {
            try {
                client.delete().deletingChildrenIfNeeded().withVersion((int) expectedVersion).forPath(zk(path));
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    @Override
    public List<String> children(StorePath path) {
        return call(() -> {
            try {
                List<String> names = new ArrayList<>();
                for (String c : client.getChildren().forPath(zk(path))) names.add(StorePath.decode(c));
                names.sort(null);
                return names;
            } catch (KeeperException.NoNodeException e) {
                return List.<String>of();
            }
        });
    }

    @Override
    public TxResult transact(List<StoreOp> ops) {
        return call(() -> {
            // ZooKeeper needs parents to exist before a multi creates children under them. Optimistic:
            // run the multi at once (one round trip in the usual case, where the parents exist); when
            // a create fails because its parent is missing, create the missing parents and run it
            // again. A parent may vanish again in between (an empty container is removed), so a few
            // rounds are allowed.
            List<CuratorTransactionResult> results = null;
            for (int attempt = 0; results == null; attempt++) {
                try {
                    results = client.transaction().forOperations(curatorOps(ops));
                } catch (KeeperException e) {
                    int failed = failedIndex(e);
                    boolean missingParent = failed >= 0 && failedCode(e, failed) == KeeperException.Code.NONODE
                            && (ops.get(failed) instanceof StoreOp.Create || ops.get(failed) instanceof StoreOp.CreateSequential);
                    if (!missingParent || attempt >= 3) return conflict(ops, e);
                    createParents(ops);
                }
            }
            List<Long> versions = new ArrayList<>();
            List<StorePath> paths = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                CuratorTransactionResult r = results.get(i);
                StoreOp op = ops.get(i);
                versions.add(switch (op) {
                    case StoreOp.Create c -> 0L;
                    case StoreOp.CreateSequential c -> 0L;
                    case StoreOp.SetData s -> r.getResultStat() == null ? -1L : (long) r.getResultStat().getVersion();
                    default -> -1L;
                });
                paths.add(op instanceof StoreOp.CreateSequential ? StorePath.parse(r.getResultPath()) : op.path());
            }
            return new TxResult.Committed(List.copyOf(versions), List.copyOf(paths));
        });
    }

    private List<CuratorOp> curatorOps(List<StoreOp> ops) throws Exception {
        List<CuratorOp> curatorOps = new ArrayList<>();
        for (StoreOp op : ops) {
            curatorOps.add(switch (op) {
                case StoreOp.Create c -> client.transactionOp().create().forPath(zk(c.path()), c.data());
                case StoreOp.CreateSequential c -> client.transactionOp().create()
                        .withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(zk(c.path().child(c.name())), c.data());
                case StoreOp.SetData s -> client.transactionOp().setData()
                        .withVersion((int) s.expectedVersion()).forPath(zk(s.path()), s.data());
                case StoreOp.Delete d -> client.transactionOp().delete()
                        .withVersion((int) d.expectedVersion()).forPath(zk(d.path()));
                case StoreOp.Check ch -> client.transactionOp().check()
                        .withVersion((int) ch.expectedVersion()).forPath(zk(ch.path()));
            });
        }
        return curatorOps;
    }

    /** Creates the missing parents of the transaction's creates (each distinct parent once). */
    private void createParents(List<StoreOp> ops) throws Exception {
        java.util.Set<StorePath> parents = new java.util.LinkedHashSet<>();
        for (StoreOp op : ops) {
            StorePath parent = switch (op) {
                case StoreOp.Create c -> c.path().parent();
                case StoreOp.CreateSequential c -> c.path();
                default -> null;
            };
            if (parent != null && !parent.isRoot()) parents.add(parent);
        }
        for (StorePath parent : parents) {
            if (client.checkExists().forPath(zk(parent)) == null) {
                try {
                    client.create().creatingParentContainersIfNeeded().forPath(zk(parent));
                } catch (KeeperException.NodeExistsException ignored) {
                    // already there
                }
            }
        }
    }

    /** The index of the operation that failed a multi, or -1 when ZooKeeper did not say. */
    private static int failedIndex(KeeperException e) {
        List<org.apache.zookeeper.OpResult> rs = e.getResults();
        if (rs == null) return -1;
        for (int i = 0; i < rs.size(); i++) {
            if (rs.get(i) instanceof org.apache.zookeeper.OpResult.ErrorResult er
                    && er.getErr() != KeeperException.Code.OK.intValue()
                    && er.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                return i;
            }
        }
        return -1;
    }

    private static KeeperException.Code failedCode(KeeperException e, int index) {
        return e.getResults().get(index) instanceof org.apache.zookeeper.OpResult.ErrorResult er ? KeeperException.Code.get(er.getErr()) : e.code();
    }

    private static TxResult conflict(List<StoreOp> ops, KeeperException e) {
        int index = 0;
        List<org.apache.zookeeper.OpResult> rs = e.getResults();
        if (rs != null) {
            for (int i = 0; i < rs.size(); i++) {
                if (rs.get(i) instanceof org.apache.zookeeper.OpResult.ErrorResult er
                        && er.getErr() != KeeperException.Code.OK.intValue()
                        && er.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    index = i;
                    break;
                }
            }
        }
        KeeperException.Code code = e.code();
        if (rs != null && index < rs.size() && rs.get(index) instanceof org.apache.zookeeper.OpResult.ErrorResult er) {
            code = KeeperException.Code.get(er.getErr());
        }
        TxResult.Reason reason = switch (code) {
            case NODEEXISTS -> TxResult.Reason.EXISTS;
            case NONODE -> TxResult.Reason.MISSING;
            case BADVERSION, NOTEMPTY -> TxResult.Reason.BAD_VERSION;
            case NOAUTH -> throw new CairnException(ErrorCode.INTERNAL, "ZooKeeper refused Cairn's identity for " + ops.get(index).path()
                    + ": the znode belongs to another identity", "give every controller the same ZooKeeper secret (the zk-secret of the first controller's data directory)", e);
            default -> throw unavailable(e);
        };
        return new TxResult.Conflict(index, ops.get(index).path(), reason);
    }

    @Override
    public AutoCloseable watch(StorePath path, Consumer<StoreEvent> listener) {
        CuratorCache cache = CuratorCache.build(client, zk(path));
        java.util.concurrent.CountDownLatch initialized = new java.util.concurrent.CountDownLatch(1);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(n -> listener.accept(new StoreEvent(StoreEvent.Type.CREATED, StorePath.parse(n.getPath()),
                        n.getData(), n.getStat() == null ? 0 : n.getStat().getVersion())))
                .forChanges((o, n) -> listener.accept(new StoreEvent(StoreEvent.Type.UPDATED, StorePath.parse(n.getPath()),
                        n.getData(), n.getStat() == null ? 0 : n.getStat().getVersion())))
                .forDeletes(o -> listener.accept(new StoreEvent(StoreEvent.Type.DELETED, StorePath.parse(o.getPath()), null, -1)))
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        // the contract reports existing entries before watch() returns
        try {
            if (!initialized.await(30, TimeUnit.SECONDS)) {
                cache.close();
                throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "timed out loading " + path + " from ZooKeeper", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cache.close();
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "interrupted while watching " + path, null, e);
        }
        return cache::close;
    }

    @Override
    public LeaderElection leaderElection(String group, String participantId) {
        return new ZkLeaderElection(this, group, participantId);
    }

    @Override
    public void addConnectionListener(Consumer<ConnectionState> listener) {
        listeners.add(listener);
    }

    @Override
    public ConnectionState connectionState() {
        return state;
    }

    @Override
    public void close() {
        state = ConnectionState.CLOSED;
        for (Consumer<ConnectionState> l : listeners) {
            try {
                l.accept(ConnectionState.CLOSED);
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        client.close();
    }

    interface StoreCall<T> {
        T run() throws Exception;
    }

    <T> T call(StoreCall<T> c) {
        try {
            return c.run();
        } catch (CairnException e) {
            throw e;
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                 | KeeperException.OperationTimeoutException e) {
            throw unavailable(e);
        } catch (KeeperException.NoAuthException e) {
            throw new CairnException(ErrorCode.INTERNAL, "ZooKeeper refused Cairn's identity for " + e.getPath()
                    + ": the znode belongs to another identity", "give every controller the same ZooKeeper secret (the zk-secret of the first controller's data directory)", e);
        } catch (KeeperException e) {
            throw new CairnException(ErrorCode.INTERNAL, "ZooKeeper error: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "interrupted while talking to ZooKeeper", null, e);
        } catch (IllegalStateException e) {
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "the ZooKeeper client is closed", null, e);
        } catch (Exception e) {
            throw new CairnException(ErrorCode.INTERNAL, "ZooKeeper error: " + e, null, e);
        }
    }

    private static CairnException unavailable(Exception e) {
        return new CairnException(ErrorCode.STORE_UNAVAILABLE, "lost the connection to ZooKeeper (" + e.getClass().getSimpleName() + ")",
                "the operation was not applied; retry once the ensemble has a quorum", e);
    }
}
