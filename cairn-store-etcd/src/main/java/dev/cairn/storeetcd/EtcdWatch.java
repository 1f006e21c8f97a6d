package dev.cairn.storeetcd;

import static dev.cairn.storeetcd.EtcdKeys.bytes;

import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StorePath;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A watch of an entry and everything below it: two etcd watch streams (the entry's key and the
 * range below it, see {@link EtcdKeys}) started at the revision of a first read, whose entries are
 * reported as CREATED before {@code watch()} returns.
 *
 * <p>Exactly once per change, across member failures: the watch remembers, per stream, the
 * revision after the last event it delivered. When a stream fails (its member died, the cluster
 * lost its leader), that stream is abandoned at once — nothing it delivers afterwards counts — and
 * a new one is opened from the remembered revision, so every change is replayed from where it
 * stopped; the mod revision of every entry reported so far filters out what was already
 * delivered. Only when etcd has compacted the history the stream needs does the watch read the
 * current state again and report the difference (the intermediate values are gone).
 *
 * <p>Listener calls happen in order on a serial executor, never on the gRPC threads, so a
 * listener may call the store.
 */
final class EtcdWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EtcdWatch.class.getName());

    private final EtcdCoordinationStore store;
    private final StorePath path;
    private final Consumer<StoreEvent> listener;
    private final Executor delivery;
    private final Object lock = new Object();
    /** Key → mod revision of every entry the listener was told exists. */
    private final Map<String, Long> present = new HashMap<>();
    private Stream self;
    private Stream below;
    private boolean closed;

    /** One etcd watch stream over a key or a range. */
    private final class Stream implements Watch.Listener {
        final boolean range;
        long nextRevision;
        Watch.Watcher watcher;
        boolean abandoned;
        int failures;

        Stream(boolean range, long nextRevision, int failures) {
            this.range = range;
            this.nextRevision = nextRevision;
            this.failures = failures;
        }

        void open() {
            WatchOption.Builder o = WatchOption.builder().withRevision(nextRevision);
            String key = range ? EtcdKeys.subtreePrefix(path) : EtcdKeys.key(path);
            if (range) o.withRange(EtcdKeys.prefixEnd(key));
            watcher = store.client().getWatchClient().watch(bytes(key), o.build(), this);
        }

        @Override
        public void onNext(WatchResponse response) {
            List<StoreEvent> out = new ArrayList<>();
            synchronized (lock) {
                if (closed || abandoned) return;
                failures = 0;
                for (WatchEvent ev : response.getEvents()) {
                    KeyValue kv = ev.getKeyValue();
                    String key = kv.getKey().toString(StandardCharsets.UTF_8);
                    long revision = kv.getModRevision();
                    nextRevision = Math.max(nextRevision, revision + 1);
                    Long known = present.get(key);
                    if (ev.getEventType() == WatchEvent.EventType.PUT) {
                        if (known != null && known >= revision) continue; // delivered before this stream was replaced
                        present.put(key, revision);
                        out.add(new StoreEvent(known == null ? StoreEvent.Type.CREATED : StoreEvent.Type.UPDATED,
                                EtcdKeys.path(key), kv.getValue().getBytes(), kv.getVersion() - 1));
                    } else if (ev.getEventType() == WatchEvent.EventType.DELETE) {
                        if (known == null || known >= revision) continue;
                        present.remove(key);
                        out.add(new StoreEvent(StoreEvent.Type.DELETED, EtcdKeys.path(key), null, -1));
                    }
                }
                deliver(out);
            }
        }

        @Override
        public void onError(Throwable t) {
            boolean compacted = t instanceof CompactedException;
            synchronized (lock) {
                if (closed || abandoned) return;
                abandoned = true;
            }
            LOG.log(Level.FINE, "watch of " + path + " interrupted, resuming: " + t);
            Stream failed = this;
            // not on this gRPC thread: closing and reopening streams, and reading, may block
            int delayMs = Math.min(2_000, 100 << Math.min(4, failures));
            store.scheduler().schedule(Duration.ofMillis(delayMs), () -> replace(failed, compacted));
        }

        @Override
        public void onCompleted() {
            // ended by close() or after onError: both handled there
        }

        void close() {
            abandoned = true;
            if (watcher != null) {
                try {
                    watcher.close();
                } catch (RuntimeException ignored) {
                    // already closed by jetcd after an error
                }
            }
        }
    }

    EtcdWatch(EtcdCoordinationStore store, StorePath path, Consumer<StoreEvent> listener) {
        this.store = store;
        this.path = path;
        this.listener = listener;
        this.delivery = store.serialExecutor();
    }

    /** Reads what exists, reports it as CREATED (before returning), then starts the streams. */
    void start() {
        Snapshot s = read();
        List<StoreEvent> initial = new ArrayList<>();
        synchronized (lock) {
            for (KeyValue kv : s.entries()) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                present.put(key, kv.getModRevision());
                initial.add(new StoreEvent(StoreEvent.Type.CREATED, EtcdKeys.path(key), kv.getValue().getBytes(), kv.getVersion() - 1));
            }
        }
        initial.sort(Comparator.comparing(StoreEvent::path));
        for (StoreEvent e : initial) call(e);
        synchronized (lock) {
            if (closed) return;
            if (!path.isRoot()) {
                self = new Stream(false, s.revision() + 1, 0);
                self.open();
            }
            below = new Stream(true, s.revision() + 1, 0);
            below.open();
        }
    }

    private record Snapshot(long revision, List<KeyValue> entries) {}

    /** The entry and everything below it, read at one revision. */
    private Snapshot read() {
        String prefix = EtcdKeys.subtreePrefix(path);
        List<Op> gets = new ArrayList<>();
        if (!path.isRoot()) gets.add(Op.get(bytes(EtcdKeys.key(path)), GetOption.DEFAULT));
        gets.add(Op.get(bytes(prefix), GetOption.builder().withRange(EtcdKeys.prefixEnd(prefix)).build()));
        TxnResponse r = store.await(store.client().getKVClient().txn().Then(gets.toArray(Op[]::new)).commit(), "read " + path + " to watch it");
        List<KeyValue> entries = new ArrayList<>();
        r.getGetResponses().forEach(g -> entries.addAll(g.getKvs()));
        return new Snapshot(r.getHeader().getRevision(), entries);
    }

    /** Replaces a failed stream: resumes it where it stopped, or re-reads everything after a compaction. */
    private void replace(Stream failed, boolean compacted) {
        synchronized (lock) {
            if (closed || (failed != self && failed != below)) return;
        }
        failed.close();
        try {
            if (compacted) {
                resync();
            } else {
                synchronized (lock) {
                    if (closed) return;
                    Stream next = new Stream(failed.range, failed.nextRevision, failed.failures + 1);
                    next.open();
                    if (failed == self) self = next; else below = next;
                }
            }
        } catch (RuntimeException e) {
            // the cluster is still away: try again later
            failed.failures++;
            int delayMs = Math.min(5_000, 200 << Math.min(5, failed.failures));
            store.scheduler().schedule(Duration.ofMillis(delayMs), () -> replace(failed, compacted));
        }
    }

    /** Reads the current state, reports how it differs from what the listener was told, and restarts both streams. */
    private void resync() {
        Snapshot s = read();
        synchronized (lock) {
            if (closed) return;
            if (self != null) self.close();
            if (below != null) below.close();
            Map<String, KeyValue> now = new HashMap<>();
            for (KeyValue kv : s.entries()) now.put(kv.getKey().toString(StandardCharsets.UTF_8), kv);
            List<StoreEvent> out = new ArrayList<>();
            for (String key : List.copyOf(present.keySet())) {
                if (!now.containsKey(key)) {
                    present.remove(key);
                    out.add(new StoreEvent(StoreEvent.Type.DELETED, EtcdKeys.path(key), null, -1));
                }
            }
            for (var e : now.entrySet()) {
                Long known = present.get(e.getKey());
                KeyValue kv = e.getValue();
                if (known == null || known != kv.getModRevision()) {
                    present.put(e.getKey(), kv.getModRevision());
                    out.add(new StoreEvent(known == null ? StoreEvent.Type.CREATED : StoreEvent.Type.UPDATED,
                            EtcdKeys.path(e.getKey()), kv.getValue().getBytes(), kv.getVersion() - 1));
                }
            }
            deliver(out);
            if (!path.isRoot()) {
                self = new Stream(false, s.revision() + 1, 0);
                self.open();
            }
            below = new Stream(true, s.revision() + 1, 0);
            below.open();
        }
    }

    /** Hands events to the listener in order, off the calling thread. Called holding {@link #lock}. */
    private void deliver(List<StoreEvent> events) {
        if (events.isEmpty()) return;
        delivery.execute(() -> {
            for (StoreEvent e : events) call(e);
        });
    }

    private void call(StoreEvent e) {
        synchronized (lock) {
            if (closed) return;
        }
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "watch listener of " + path + " failed on " + e.type() + " " + e.path() + ": " + ex, ex);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            if (self != null) self.close();
            if (below != null) below.close();
        }
    }
}
