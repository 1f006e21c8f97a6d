package dev.cairn.controller.nodes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The phi-accrual failure detector (Hayashibara et al.; Cassandra's and Akka's): from the history
 * of a node's heartbeat intervals it computes phi = -log10(P(the next heartbeat is later than
 * this)), and calls the node down once phi passes a threshold. It is calibrated so that a node
 * heartbeating steadily is judged down exactly {@code timeout} after its last heartbeat: the
 * standard deviation has a floor of a quarter of the mean interval and an acceptable pause fills
 * the rest. A node whose heartbeats jitter gets proportionally more slack; a stall shorter than
 * the timeout never makes a node down.
 */
public final class PhiAccrualDetector {
    public static final double THRESHOLD = 8.0;
    private static final int WINDOW = 100;

    private final Duration timeout;
    private final Duration expectedInterval;
    private final double z;
    private final Map<String, History> nodes = new ConcurrentHashMap<>();

    private static final class History {
        final Deque<Long> intervals = new ArrayDeque<>();
        long last = Long.MIN_VALUE;
        double sum;
        double sumSq;
    }

    public PhiAccrualDetector(Duration timeout, Duration expectedInterval) {
        this.timeout = timeout;
        this.expectedInterval = expectedInterval;
        this.z = zFor(THRESHOLD);
    }

    /** Records a heartbeat taken at {@code at} (the time the receiving controller stored). */
    public void heartbeat(String node, Instant at) {
        long t = at.toEpochMilli();
        History h = nodes.computeIfAbsent(node, n -> new History());
        synchronized (h) {
            if (t <= h.last) return;
            if (h.last != Long.MIN_VALUE) {
                long iv = t - h.last;
                // a gap longer than the timeout is an outage, not a sample of the heartbeat rhythm
                if (iv <= timeout.toMillis()) {
                    h.intervals.addLast(iv);
                    h.sum += iv;
                    h.sumSq += (double) iv * iv;
                    if (h.intervals.size() > WINDOW) {
                        long old = h.intervals.removeFirst();
                        h.sum -= old;
                        h.sumSq -= (double) old * old;
                    }
                }
            }
            h.last = t;
        }
    }

    public void forget(String node) {
        nodes.remove(node);
    }

    /** Every node a heartbeat of which reached this detector. */
    public java.util.Set<String> nodes() {
        return java.util.Set.copyOf(nodes.keySet());
    }

    /** phi for {@code node} at {@code now}; infinite when it never heartbeat. */
    public double phi(String node, Instant now) {
        History h = nodes.get(node);
        if (h == null) return Double.POSITIVE_INFINITY;
        synchronized (h) {
            if (h.last == Long.MIN_VALUE) return Double.POSITIVE_INFINITY;
            int n = h.intervals.size();
            double mean = n < 3 ? expectedInterval.toMillis() : h.sum / n;
            double var = n < 3 ? 0 : Math.max(0, h.sumSq / n - mean * mean);
            double minSd = mean / 4;
            double sd = Math.max(Math.sqrt(var), minSd);
            double pause = Math.max(0, timeout.toMillis() - mean - z * minSd);
            double elapsed = judged(now.toEpochMilli()) - h.last;
            return phi(elapsed, mean + pause, sd);
        }
    }

    /** Whether any heartbeat of {@code node} reached this detector. */
    public boolean known(String node) {
        History h = nodes.get(node);
        if (h == null) return false;
        synchronized (h) {
            return h.last != Long.MIN_VALUE;
        }
    }

    /** The most a stall of the whole heartbeat stream is forgiven (when more than half the nodes really stop at once). */
    static final Duration MAX_FORGIVEN = Duration.ofSeconds(10);
    private volatile long referenceAt = Long.MIN_VALUE;
    private volatile long referenceValue;

    /**
     * The time nodes are judged at: {@code now}, unless the heartbeat stream as a whole is late.
     * With three or more nodes heard from recently, the median of their last heartbeats should
     * be within an interval of now; when it is not, most nodes look late at once — the store or
     * this controller stalled, not the nodes — and that lag is not held against any node (up to
     * {@link #MAX_FORGIVEN}). A node that stops while most others keep heartbeating is judged on
     * time; when more than half stop at once, they are judged down at most that much later.
     */
    long judged(long nowMs) {
        long at = referenceAt;
        if (at != Long.MIN_VALUE && Math.abs(nowMs - at) < 50) return nowMs - referenceValue;
        long window = timeout.toMillis() + MAX_FORGIVEN.toMillis();
        List<Long> lasts = new ArrayList<>();
        for (History h : nodes.values()) {
            synchronized (h) {
                if (h.last != Long.MIN_VALUE && nowMs - h.last <= window) lasts.add(h.last);
            }
        }
        long lag = 0;
        if (lasts.size() >= 3) {
            Collections.sort(lasts);
            long median = lasts.get(lasts.size() / 2);
            long stall = nowMs - median - expectedInterval.toMillis();
            lag = stall <= 0 ? 0 : Math.min(stall, MAX_FORGIVEN.toMillis());
        }
        referenceValue = lag;
        referenceAt = nowMs;
        return nowMs - lag;
    }

    public boolean up(String node, Instant now) {
        return phi(node, now) < THRESHOLD;
    }

    public Duration timeout() { return timeout; }

    /** -log10 of the upper tail of a normal distribution, with the logistic approximation Akka uses. */
    static double phi(double elapsed, double mean, double sd) {
        double y = (elapsed - mean) / sd;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        if (elapsed > mean) return -Math.log10(e / (1.0 + e));
        return -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    /** The number of standard deviations past the mean at which phi reaches {@code threshold}. */
    static double zFor(double threshold) {
        double lo = 0;
        double hi = 20;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (phi(mid, 0, 1) < threshold) lo = mid;
            else hi = mid;
        }
        return hi;
    }
}
