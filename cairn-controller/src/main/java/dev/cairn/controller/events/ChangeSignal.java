package dev.cairn.controller.events;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A generation counter readers wait on: take {@link #generation()} before reading the store, then
 * {@link #await} that generation. A change signalled between the read and the wait is not lost.
 * Uses a lock and condition rather than monitors, so waiting virtual threads never pin a carrier.
 */
final class ChangeSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;
    private boolean closed;

    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    void signal() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the generation differs from {@code seen}, the signal closes, or {@code nanos} pass. */
    void await(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (generation == seen && !closed && left > 0) left = changed.awaitNanos(left);
        } finally {
            lock.unlock();
        }
    }

}
