package dev.cairn.controller.work;

import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StorePath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Long-polling support on every controller: a watch on {@code /work} keeps each node's queued items
 * in memory and wakes the requests waiting for a node whenever that node's queue changes, whichever
 * controller queued the work; polls answer from memory, without reading the store.
 */
public final class WorkInbox implements AutoCloseable {
    private final WorkQueue queue;
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    /** Each node's queued items as the watch reports them: polls answer from here, without store reads. */
    private final Map<String, java.util.concurrent.ConcurrentSkipListMap<String, WorkItem>> items = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AutoCloseable watch;
    private volatile boolean closed;

    public WorkInbox(CoordinationStore store, WorkQueue queue) {
        this.queue = queue;
        this.watch = store.watch(WorkQueue.WORK, e -> {
            List<String> segs = e.path().segments();
            if (segs.size() < 2) return;
            String node = StorePath.decode(segs.get(1));
            if (segs.size() == 3) {
                String id = e.path().name();
                if (e.type() == dev.cairn.core.store.StoreEvent.Type.DELETED) {
                    var m = items.get(node);
                    if (m != null) m.remove(id);
                } else {
                    try {
                        items.computeIfAbsent(node, k -> new java.util.concurrent.ConcurrentSkipListMap<>()).put(id, WorkQueue.decode(node, id, e.data()));
                    } catch (RuntimeException ex) {
                        // unreadable entry: polls skip it
                    }
                }
            }
            lock.lock();
            try {
                generations.merge(node, 1L, Long::sum);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    /** The node's queued items; if there are none, waits up to {@code wait} for some to arrive. */
    public List<WorkItem> poll(String node, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long gen = generations.getOrDefault(node, 0L);
            List<WorkItem> queued = pending(node);
            if (!queued.isEmpty() || closed) return queued;
            if (deadline - System.nanoTime() <= 0) return queued;
            lock.lock();
            try {
                while (generations.getOrDefault(node, 0L) == gen && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The node's queued items, oldest first, as last reported by the store's watch. */
    public List<WorkItem> pending(String node) {
        var m = items.get(node);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** A queued item as last reported by the store's watch. */
    public java.util.Optional<WorkItem> cached(String node, String id) {
        var m = items.get(node);
        return java.util.Optional.ofNullable(m == null ? null : m.get(id));
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            watch.close();
        } catch (Exception ignored) {
            // the store may be gone already
        }
    }
}
