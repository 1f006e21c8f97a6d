package dev.cairn.storezk;

import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StorePath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;

/**
 * Leader election on Curator's {@link LeaderLatch}. The latch's standard error policy drops
 * leadership as soon as the connection is SUSPENDED (and on LOST), so a partitioned leader stops
 * acting before another can be elected; on RECONNECTED the latch re-runs the election. Each
 * acquisition increments {@code /leader/<group>/epoch} with compare-and-set, so epochs only grow.
 */
final class ZkLeaderElection implements LeaderElection {
    private final ZkCoordinationStore store;
    private final String group;
    private final String id;
    private final LeaderLatch latch;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService callbacks;
    private volatile long epoch = -1;

    ZkLeaderElection(ZkCoordinationStore store, String group, String id) {
        this.store = store;
        this.group = group;
        this.id = id;
        this.latch = new LeaderLatch(store.client(), "/leader/" + StorePath.encode(group) + "/latch", id);
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "leader-" + group + "-" + id);
            t.setDaemon(true);
            return t;
        });
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                onAcquired();
            }

            @Override
            public void notLeader() {
                onLost();
            }
        }, callbacks);
    }

    private void onAcquired() {
        long e;
        try {
            e = nextEpoch();
        } catch (RuntimeException ex) {
            // cannot record the epoch: do not act as leader; the latch will tell us again
            return;
        }
        if (!latch.hasLeadership()) return;
        epoch = e;
        for (Listener l : listeners) l.acquired(e);
    }

    private void onLost() {
        if (epoch < 0) return;
        epoch = -1;
        for (Listener l : listeners) l.lost();
    }

    private long nextEpoch() {
        StorePath p = StorePath.of("leader", group, "epoch");
        while (true) {
            var cur = store.get(p);
            if (cur.isEmpty()) {
                if (store.createIfAbsent(p, "1".getBytes(StandardCharsets.UTF_8)).isPresent()) return 1;
                continue;
            }
            long next = Long.parseLong(new String(cur.get().value(), StandardCharsets.UTF_8).trim()) + 1;
            if (store.compareAndSet(p, Long.toString(next).getBytes(StandardCharsets.UTF_8), cur.get().version()).isPresent()) {
                return next;
            }
        }
    }

    @Override
    public void start() {
        try {
            latch.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start leader election for " + group, e);
        }
    }

    @Override
    public boolean isLeader() {
        return epoch >= 0 && latch.hasLeadership();
    }

    @Override
    public long epoch() {
        return isLeader() ? epoch : -1;
    }

    @Override
    public Optional<String> leaderId() {
        try {
            Participant p = latch.getLeader();
            return p != null && p.isLeader() ? Optional.of(p.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        try {
            latch.close(LeaderLatch.CloseMode.NOTIFY_LEADER);
        } catch (Exception ignored) {
            // closing a latch whose client is gone is fine
        }
        callbacks.shutdown();
    }
}
