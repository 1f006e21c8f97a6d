package dev.cairn.storeetcd;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.time.Scheduler;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This client's session: one etcd lease that ephemeral entries and election candidacies are bound
 * to, kept alive by a loop on the injected {@link Scheduler} every third of its TTL, and the
 * connection state derived from it, with ZooKeeper's meaning:
 *
 * <ul>
 *   <li>SUSPENDED: a keep-alive (or a request) failed; the lease may still be alive, we cannot tell.
 *   <li>LOST: the cluster said the lease is gone, or no keep-alive succeeded for a whole TTL (so the
 *       cluster has expired it or is about to): every ephemeral entry of the session is gone.
 *   <li>RECONNECTED: a keep-alive succeeded again after SUSPENDED (same lease), or a new lease was
 *       granted after LOST (a new session, without the old ephemeral entries).
 * </ul>
 *
 * {@link #valid()} is false as soon as the local clock passes the last acknowledged keep-alive's
 * send time plus the TTL, even before the loop has noticed, so a leader that can no longer renew
 * stops acting before the cluster can elect another.
 */
final class EtcdSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EtcdSession.class.getName());

    private final Lease leases;
    private final Clock clock;
    private final Scheduler scheduler;
    private final long ttlSeconds;
    private final Duration interval;
    /** How long one renewal may take: half the TTL, so a slow renewal still lands before the lease could end. */
    private final Duration renewalTimeout;
    private final Consumer<ConnectionState> onState;
    private final AtomicBoolean probing = new AtomicBoolean();
    /** Leases given up on LOST that the cluster may still hold (it was unreachable): revoked once it answers. */
    private final java.util.Set<Long> abandoned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Runnable> renewalListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private long leaseId;
    private Instant validUntil = Instant.MIN;
    private ConnectionState state = ConnectionState.SUSPENDED;
    private Scheduler.Task loop;
    private volatile boolean closed;

    EtcdSession(Lease leases, Clock clock, Scheduler scheduler, Duration ttl, Consumer<ConnectionState> onState) {
        this.leases = leases;
        this.clock = clock;
        this.scheduler = scheduler;
        this.ttlSeconds = Math.max(2, (ttl.toMillis() + 999) / 1000);
        this.interval = Duration.ofMillis(Math.max(500, ttlSeconds * 1000 / 3));
        this.renewalTimeout = Duration.ofMillis(ttlSeconds * 1000 / 2);
        this.onState = onState;
    }

    /** Grants the first lease, waiting up to {@code timeout}, then starts the keep-alive loop. */
    void start(Duration timeout, String endpoints) {
        Instant sent = clock.instant();
        LeaseGrantResponse granted;
        try {
            granted = leases.grant(ttlSeconds).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "interrupted while connecting to etcd", null, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new CairnException(ErrorCode.STORE_UNAVAILABLE,
                    "cannot reach etcd at " + endpoints + " within " + timeout.toSeconds() + "s (" + describe(cause) + ")",
                    "check that the etcd cluster is running, the endpoints (http[s]://host:port[,…]) and, with TLS, the CA and client certificates", cause);
        }
        synchronized (lock) {
            leaseId = granted.getID();
            validUntil = sent.plusSeconds(granted.getTTL());
            state = ConnectionState.CONNECTED;
        }
        loop = scheduler.scheduleWithFixedDelay(interval, interval, this::probe);
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = t instanceof TimeoutException ? "timed out" : t.getMessage();
        if (root != t && root.getMessage() != null && (msg == null || !msg.contains(root.getMessage()))) {
            msg = (msg == null ? "" : msg + ": ") + root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        return msg == null ? t.getClass().getSimpleName() : msg;
    }

    /** The current lease, or 0 while there is none (after LOST, until a new one is granted). */
    long leaseId() {
        synchronized (lock) {
            return leaseId;
        }
    }

    ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** True while the lease is certainly alive: connected, and within the TTL of the last renewal. */
    boolean valid() {
        synchronized (lock) {
            return leaseId != 0 && (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED)
                    && clock.instant().isBefore(validUntil);
        }
    }

    /** Runs {@code r} after every renewal of the lease (on the loop's thread; it must not block). */
    void onRenewal(Runnable r) {
        renewalListeners.add(r);
    }

    void removeRenewalListener(Runnable r) {
        renewalListeners.remove(r);
    }

    /** Checks the session soon (after a request failed): SUSPENDED at once if the cluster does not answer. */
    void probeSoon() {
        if (!closed) scheduler.execute(this::probe);
    }

    /** One turn of the loop: renew the lease, or get a new one after LOST, and report the state. */
    void probe() {
        if (closed || !probing.compareAndSet(false, true)) return;
        try {
            long id = leaseId();
            if (id == 0) {
                grantNew();
                return;
            }
            Instant sent = clock.instant();
            try {
                long ttl = leases.keepAliveOnce(id).get(renewalTimeout.toMillis(), TimeUnit.MILLISECONDS).getTTL();
                renewed(id, sent, ttl);
                revokeAbandoned();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof EtcdException ee && ee.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND) {
                    lost(id, "the cluster no longer knows lease " + Long.toHexString(id));
                    grantNew();
                } else {
                    unreachable(id, e.getCause());
                }
            } catch (TimeoutException e) {
                unreachable(id, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probing.set(false);
        }
    }

    private void renewed(long id, Instant sent, long ttl) {
        ConnectionState report = null;
        synchronized (lock) {
            if (closed || leaseId != id) return;
            validUntil = sent.plusSeconds(ttl);
            if (state == ConnectionState.SUSPENDED) {
                state = ConnectionState.RECONNECTED;
                report = state;
            }
        }
        report(report);
        for (Runnable r : renewalListeners) r.run();
    }

    private void unreachable(long id, Throwable why) {
        ConnectionState report = null;
        synchronized (lock) {
            if (closed || leaseId != id) return;
            if (!clock.instant().isBefore(validUntil)) {
                report = ConnectionState.LOST;
            } else if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                state = ConnectionState.SUSPENDED;
                report = state;
            }
        }
        if (report == ConnectionState.LOST) {
            lost(id, "no keep-alive acknowledged for " + ttlSeconds + "s (" + describe(why) + ")");
        } else {
            LOG.log(Level.FINE, "etcd session suspended: " + describe(why));
            report(report);
        }
    }

    private void lost(long id, String why) {
        synchronized (lock) {
            if (closed || leaseId != id) return;
            leaseId = 0;
            state = ConnectionState.LOST;
        }
        LOG.warning("etcd session lost: " + why);
        abandoned.add(id);
        report(ConnectionState.LOST);
    }

    /**
     * Should the cluster still hold a lease we gave up (a restarted cluster extends the leases it
     * had), end it: the entries of a LOST session must not come back with the cluster.
     */
    private void revokeAbandoned() throws InterruptedException {
        for (Long old : List.copyOf(abandoned)) {
            try {
                leases.revoke(old).get(renewalTimeout.toMillis(), TimeUnit.MILLISECONDS);
                abandoned.remove(old);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof EtcdException ee && ee.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND) {
                    abandoned.remove(old); // expired already
                }
            } catch (TimeoutException e) {
                return; // next turn
            }
        }
    }

    private void grantNew() throws InterruptedException {
        Instant sent = clock.instant();
        try {
            LeaseGrantResponse granted = leases.grant(ttlSeconds).get(renewalTimeout.toMillis(), TimeUnit.MILLISECONDS);
            boolean report;
            synchronized (lock) {
                report = !closed && leaseId == 0;
                if (report) {
                    leaseId = granted.getID();
                    validUntil = sent.plusSeconds(granted.getTTL());
                    state = ConnectionState.RECONNECTED;
                }
            }
            if (report) {
                revokeAbandoned();
                report(ConnectionState.RECONNECTED);
            } else {
                leases.revoke(granted.getID()).exceptionally(t -> null);
            }
        } catch (ExecutionException | TimeoutException e) {
            // still no cluster: stay LOST, the next turn tries again
        }
    }

    private void report(ConnectionState s) {
        if (s != null && !closed) onState.accept(s);
    }

    /** Stops the loop and revokes the lease, so this session's ephemeral entries go at once. */
    @Override
    public void close() {
        long id;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            id = leaseId;
            leaseId = 0;
            state = ConnectionState.CLOSED;
        }
        if (loop != null) loop.cancel();
        if (id != 0) {
            try {
                leases.revoke(id).get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the cluster is away: the lease expires by itself after its TTL
            }
        }
    }
}
