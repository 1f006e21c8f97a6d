package dev.cairn.controller.http;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Long-polls: a request that waits for a result answers as soon as the result is there, woken by
 * store watches on what it depends on, never by sleeping and looking again. The owner of each
 * store path offers the watch ({@link Watch}); the request reads through the owner.
 */
public final class LongPoll {
    /** The longest a request waits. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s)?");

    private LongPoll() {}

    /** A source of change notices: {@code open} starts calling {@code changed} on every change; closing it stops. */
    @FunctionalInterface
    public interface Watch {
        AutoCloseable open(Runnable changed);
    }

    /** The {@code wait} query parameter ({@code 30s}, {@code 500ms}); zero when absent, at most {@link #MAX_WAIT}. */
    public static Duration waitParam(Request req) {
        return parseWait(req.query("wait").orElse("0"));
    }

    /** A wait ({@code 30s}, {@code 500ms}, or seconds without a unit), at most {@link #MAX_WAIT}. */
    public static Duration parseWait(String v) {
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "wait='" + v + "' is not a duration", "use e.g. wait=25s or wait=500ms");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = "ms".equals(m.group(2)) ? Duration.ofMillis(n) : Duration.ofSeconds(n);
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    /**
     * Reads with {@code read} until {@code settled} accepts what it read or {@code wait} has passed,
     * reading again whenever one of {@code watches} reports a change; returns the last read.
     */
    public static <T> T await(Duration wait, List<Watch> watches, Supplier<T> read, Predicate<T> settled) throws InterruptedException {
        T v = read.get();
        if (settled.test(v) || wait.isZero() || wait.isNegative()) return v;
        long deadline = System.nanoTime() + wait.toNanos();
        ReentrantLock lock = new ReentrantLock();
        Condition changed = lock.newCondition();
        long[] generation = {0};
        Runnable bump = () -> {
            lock.lock();
            try {
                generation[0]++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        };
        List<AutoCloseable> open = new ArrayList<>();
        try {
            for (Watch w : watches) open.add(w.open(bump));
            while (true) {
                long seen;
                lock.lock();
                try {
                    seen = generation[0];
                } finally {
                    lock.unlock();
                }
                v = read.get(); // after the watches opened: a change made since the first read is seen here
                if (settled.test(v)) return v;
                lock.lock();
                try {
                    while (generation[0] == seen) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) return v;
                        changed.awaitNanos(left);
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the store may be going away; nothing else holds the watch
                }
            }
        }
    }
}
