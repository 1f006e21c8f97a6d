package dev.cairn.controller.work;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Long-polling support on every controller: the queue's watch ({@link WorkQueue#watchItems}) keeps each node's queued items
 * in memory and wakes the requests waiting for a node whenever that node's queue changes, whichever
 * controller queued the work; polls answer from memory, without reading the store.
 */
public final class WorkInbox implements AutoCloseable {
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    /** Each node's queued items as the watch reports them: polls answer from here, without store reads. */
    private final Map<String, ConcurrentSkipListMap<String, WorkItem>> items = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AutoCloseable watch;
    private volatile boolean closed;

    public WorkInbox(WorkQueue queue) {
        this.watch = queue.watchItems(q -> {
            if (q.item().isPresent()) {
                items.computeIfAbsent(q.node(), k -> new ConcurrentSkipListMap<>()).put(q.id(), q.item().get());
            } else {
                var m = items.get(q.node());
                if (m != null) m.remove(q.id());
            }
            lock.lock();
            try {
                generations.merge(q.node(), 1L, Long::sum);
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
    public Optional<WorkItem> cached(String node, String id) {
        var m = items.get(node);
        return Optional.ofNullable(m == null ? null : m.get(id));
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
