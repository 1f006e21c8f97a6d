package dev.cairn.core.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} and {@link Clock} driven by hand, for tests and simulations of the
 * controller's loops: {@link #advance} moves time forward and runs, on the caller's thread and in
 * time order, every task that falls due. Nothing runs on its own; nothing sleeps.
 */
public final class ManualScheduler implements Scheduler {
    private final Object lock = new Object();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparing(Entry::due).thenComparingLong(Entry::seq));
    private Instant now;
    private long seq;
    private boolean closed;

    private final class Entry implements Task {
        final long seq;
        final Runnable task;
        final Duration repeat;
        Instant due;
        boolean cancelled;

        Entry(long seq, Instant due, Runnable task, Duration repeat) {
            this.seq = seq;
            this.due = due;
            this.task = task;
            this.repeat = repeat;
        }

        Instant due() { return due; }

        long seq() { return seq; }

        @Override
        public void cancel() {
            synchronized (lock) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    /** The clock that reads this scheduler's time. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() { return ZoneOffset.UTC; }

            @Override
            public Clock withZone(ZoneId zone) { return this; }

            @Override
            public Instant instant() { return now(); }
        };
    }

    public Instant now() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public Task schedule(Duration delay, Runnable task) {
        return add(delay, task, null);
    }

    @Override
    public Task scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable task) {
        return add(initialDelay, task, delay);
    }

    private Task add(Duration delay, Runnable task, Duration repeat) {
        synchronized (lock) {
            Entry e = new Entry(seq++, now.plus(delay.isNegative() ? Duration.ZERO : delay), task, repeat);
            if (!closed) queue.add(e);
            return e;
        }
    }

    /** Runs every task due now (including tasks they schedule for now). Returns how many ran. */
    public int runDue() {
        return advance(Duration.ZERO);
    }

    /** Moves time forward by {@code d}, running each task when its time comes, in order. Returns how many ran. */
    public int advance(Duration d) {
        Instant target;
        synchronized (lock) {
            target = now.plus(d);
        }
        int ran = 0;
        while (true) {
            Entry next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return ran;
                }
                queue.poll();
                if (next.due.isAfter(now)) now = next.due;
            }
            next.task.run();
            ran++;
            synchronized (lock) {
                if (next.repeat != null && !next.cancelled && !closed) {
                    next.due = now.plus(next.repeat);
                    queue.add(next);
                }
            }
        }
    }

    /** Tasks waiting, for assertions. */
    public int pending() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** The due times of the waiting tasks, earliest first. */
    public List<Instant> dueTimes() {
        synchronized (lock) {
            List<Instant> out = new ArrayList<>();
            for (Entry e : queue) out.add(e.due);
            out.sort(Comparator.naturalOrder());
            return out;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            queue.clear();
        }
    }
}
