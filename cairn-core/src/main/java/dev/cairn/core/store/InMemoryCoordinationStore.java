package dev.cairn.core.store;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory store for unit tests of pure logic. It follows the port's contract (versions,
 * transactions, sequential entries, watches, elections within this one instance) but is never a
 * substitute for testing the real adapters.
 */
public final class InMemoryCoordinationStore implements CoordinationStore {
    private record Entry(byte[] data, long version, boolean ephemeral) {}

    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final Map<String, List<Election>> elections = new HashMap<>();
    private final List<Consumer<ConnectionState>> connectionListeners = new CopyOnWriteArrayList<>();
    private long epochs;
    private volatile boolean closed;

    private record Watch(StorePath path, Consumer<StoreEvent> listener) {}

    @Override
    public synchronized Optional<Versioned<byte[]>> get(StorePath path) {
        check();
        Entry e = entries.get(path.toString());
        return e == null ? Optional.empty() : Optional.of(new Versioned<>(e.data.clone(), e.version));
    }

    @Override
    public Optional<Long> createIfAbsent(StorePath path, byte[] data) {
        return create(path, data, false);
    }

    @Override
    public Optional<Long> createEphemeral(StorePath path, byte[] data) {
        return create(path, data, true);
    }

    private Optional<Long> create(StorePath path, byte[] data, boolean ephemeral) {
        List<StoreEvent> fired = new ArrayList<>();
        Optional<Long> result;
        synchronized (this) {
            check();
            if (entries.containsKey(path.toString())) return Optional.empty();
            ensureParents(path, fired);
            entries.put(path.toString(), new Entry(data.clone(), 0, ephemeral));
            fired.add(new StoreEvent(StoreEvent.Type.CREATED, path, data.clone(), 0));
            result = Optional.of(0L);
        }
        fire(fired);
        return result;
    }

    @Override
    public StorePath createSequential(StorePath prefix, String name, byte[] data) {
        TxResult r = transact(List.of(new StoreOp.CreateSequential(prefix, name, data)));
        return ((TxResult.Committed) r).paths().get(0);
    }

    @Override
    public long put(StorePath path, byte[] data) {
        List<StoreEvent> fired = new ArrayList<>();
        long v;
        synchronized (this) {
            check();
            Entry old = entries.get(path.toString());
            ensureParents(path, fired);
            v = old == null ? 0 : old.version + 1;
            entries.put(path.toString(), new Entry(data.clone(), v, old != null && old.ephemeral));
            fired.add(new StoreEvent(old == null ? StoreEvent.Type.CREATED : StoreEvent.Type.UPDATED, path, data.clone(), v));
        }
        fire(fired);
        return v;
    }

    @Override
    public Optional<Long> compareAndSet(StorePath path, byte[] data, long expectedVersion) {
        TxResult r = transact(List.of(StoreOp.set(path, data, expectedVersion)));
        return r instanceof TxResult.Committed c ? Optional.of(c.versions().get(0)) : Optional.empty();
    }

    @Override
    public boolean delete(StorePath path, long expectedVersion) {
        return transact(List.of(StoreOp.delete(path, expectedVersion))).committed();
    }

    @Override
    public synchronized List<String> children(StorePath path) {
        check();
        List<String> out = new ArrayList<>();
        String prefix = path.isRoot() ? "/" : path + "/";
        for (String k : entries.tailMap(prefix, false).keySet()) {
            if (!k.startsWith(prefix)) break;
            String rest = k.substring(prefix.length());
            if (!rest.isEmpty() && !rest.contains("/")) out.add(StorePath.decode(rest));
        }
        out.sort(null);
        return out;
    }

    @Override
    public TxResult transact(List<StoreOp> ops) {
        List<StoreEvent> fired = new ArrayList<>();
        TxResult result;
        synchronized (this) {
            check();
            // validate against a working copy, then commit
            TreeMap<String, Entry> work = new TreeMap<>(entries);
            Map<String, Long> seqs = new HashMap<>(sequences);
            List<Long> versions = new ArrayList<>();
            List<StorePath> paths = new ArrayList<>();
            List<StoreEvent> pending = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                StoreOp op = ops.get(i);
                String key = op.path().toString();
                Entry cur = work.get(key);
                switch (op) {
                    case StoreOp.Create c -> {
                        if (cur != null) return new TxResult.Conflict(i, op.path(), TxResult.Reason.EXISTS);
                        for (StorePath a : c.path().ancestors()) {
                            work.putIfAbsent(a.toString(), new Entry(new byte[0], 0, false));
                        }
                        work.put(key, new Entry(c.data().clone(), 0, false));
                        versions.add(0L);
                        paths.add(c.path());
                        pending.add(new StoreEvent(StoreEvent.Type.CREATED, c.path(), c.data().clone(), 0));
                    }
                    case StoreOp.CreateSequential c -> {
                        for (StorePath a : c.path().ancestors()) {
                            work.putIfAbsent(a.toString(), new Entry(new byte[0], 0, false));
                        }
                        work.putIfAbsent(key, new Entry(new byte[0], 0, false));
                        long n = seqs.getOrDefault(key, 0L);
                        seqs.put(key, n + 1);
                        StorePath p = c.path().child(c.name() + String.format("%010d", n));
                        work.put(p.toString(), new Entry(c.data().clone(), 0, false));
                        versions.add(0L);
                        paths.add(p);
                        pending.add(new StoreEvent(StoreEvent.Type.CREATED, p, c.data().clone(), 0));
                    }
                    case StoreOp.SetData s -> {
                        if (cur == null) return new TxResult.Conflict(i, op.path(), TxResult.Reason.MISSING);
                        if (s.expectedVersion() != StoreOp.ANY_VERSION && s.expectedVersion() != cur.version) {
                            return new TxResult.Conflict(i, op.path(), TxResult.Reason.BAD_VERSION);
                        }
                        work.put(key, new Entry(s.data().clone(), cur.version + 1, cur.ephemeral));
                        versions.add(cur.version + 1);
                        paths.add(s.path());
                        pending.add(new StoreEvent(StoreEvent.Type.UPDATED, s.path(), s.data().clone(), cur.version + 1));
                    }
                    case StoreOp.Delete d -> {
                        if (cur == null) return new TxResult.Conflict(i, op.path(), TxResult.Reason.MISSING);
                        if (d.expectedVersion() != StoreOp.ANY_VERSION && d.expectedVersion() != cur.version) {
                            return new TxResult.Conflict(i, op.path(), TxResult.Reason.BAD_VERSION);
                        }
                        String prefix = key + "/";
                        List<String> doomed = new ArrayList<>(work.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
                        doomed.add(key);
                        for (String k : doomed) {
                            work.remove(k);
                            pending.add(new StoreEvent(StoreEvent.Type.DELETED, StorePath.parse(k), null, -1));
                        }
                        versions.add(-1L);
                        paths.add(d.path());
                    }
                    case StoreOp.Check ch -> {
                        if (cur == null) return new TxResult.Conflict(i, op.path(), TxResult.Reason.MISSING);
                        if (ch.expectedVersion() != StoreOp.ANY_VERSION && ch.expectedVersion() != cur.version) {
                            return new TxResult.Conflict(i, op.path(), TxResult.Reason.BAD_VERSION);
                        }
                        versions.add(-1L);
                        paths.add(ch.path());
                    }
                }
            }
            entries.clear();
            entries.putAll(work);
            sequences.clear();
            sequences.putAll(seqs);
            fired.addAll(pending);
            result = new TxResult.Committed(List.copyOf(versions), List.copyOf(paths));
        }
        fire(fired);
        return result;
    }

    @Override
    public AutoCloseable watch(StorePath path, Consumer<StoreEvent> listener) {
        Watch w = new Watch(path, listener);
        List<StoreEvent> initial = new ArrayList<>();
        synchronized (this) {
            check();
            for (var e : entries.entrySet()) {
                StorePath p = StorePath.parse(e.getKey());
                if (p.startsWith(path)) initial.add(new StoreEvent(StoreEvent.Type.CREATED, p, e.getValue().data.clone(), e.getValue().version));
            }
            watches.add(w);
        }
        initial.forEach(listener);
        return () -> watches.remove(w);
    }

    @Override
    public synchronized LeaderElection leaderElection(String group, String participantId) {
        return new Election(group, participantId);
    }

    @Override
    public void addConnectionListener(Consumer<ConnectionState> listener) {
        connectionListeners.add(listener);
    }

    @Override
    public ConnectionState connectionState() {
        return closed ? ConnectionState.CLOSED : ConnectionState.CONNECTED;
    }

    /** Simulates the end of this client's session: ephemeral entries vanish. */
    public void expireSession() {
        List<StoreEvent> fired = new ArrayList<>();
        synchronized (this) {
            var it = entries.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getValue().ephemeral) {
                    it.remove();
                    fired.add(new StoreEvent(StoreEvent.Type.DELETED, StorePath.parse(e.getKey()), null, -1));
                }
            }
        }
        fire(fired);
    }

    @Override
    public void close() {
        closed = true;
        connectionListeners.forEach(l -> l.accept(ConnectionState.CLOSED));
    }

    private void check() {
        if (closed) throw new CairnException(ErrorCode.STORE_UNAVAILABLE, "the store is closed", null);
    }

    private void ensureParents(StorePath path, List<StoreEvent> fired) {
        for (StorePath a : path.ancestors()) {
            if (!entries.containsKey(a.toString())) {
                entries.put(a.toString(), new Entry(new byte[0], 0, false));
                fired.add(new StoreEvent(StoreEvent.Type.CREATED, a, new byte[0], 0));
            }
        }
    }

    private void fire(List<StoreEvent> events) {
        for (StoreEvent e : events) {
            for (Watch w : watches) {
                if (e.path().startsWith(w.path)) w.listener.accept(e);
            }
        }
    }

    private final class Election implements LeaderElection {
        private final String group;
        private final String id;
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();
        private long epoch = -1;

        Election(String group, String id) {
            this.group = group;
            this.id = id;
        }

        @Override
        public void start() {
            boolean leader;
            synchronized (InMemoryCoordinationStore.this) {
                List<Election> q = elections.computeIfAbsent(group, g -> new ArrayList<>());
                q.add(this);
                leader = q.get(0) == this;
                if (leader) epoch = ++epochs;
            }
            if (leader) listeners.forEach(l -> l.acquired(epoch));
        }

        @Override
        public synchronized boolean isLeader() { return epoch >= 0; }

        @Override
        public long epoch() { return epoch; }

        @Override
        public Optional<String> leaderId() {
            synchronized (InMemoryCoordinationStore.this) {
                List<Election> q = elections.getOrDefault(group, List.of());
                return q.isEmpty() ? Optional.empty() : Optional.of(q.get(0).id);
            }
        }

        @Override
        public void addListener(Listener listener) { listeners.add(listener); }

        @Override
        public void close() {
            Election next = null;
            boolean wasLeader;
            synchronized (InMemoryCoordinationStore.this) {
                List<Election> q = elections.getOrDefault(group, new ArrayList<>());
                wasLeader = !q.isEmpty() && q.get(0) == this;
                q.remove(this);
                if (wasLeader && !q.isEmpty()) {
                    next = q.get(0);
                    next.epoch = ++epochs;
                }
            }
            if (wasLeader) {
                epoch = -1;
                listeners.forEach(Listener::lost);
            }
            if (next != null) {
                Election n = next;
                n.listeners.forEach(l -> l.acquired(n.epoch));
            }
        }
    }

    @Override
    public String toString() {
        return "InMemoryCoordinationStore" + Arrays.toString(entries.keySet().toArray());
    }
}
