package dev.cairn.controller.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Decides which events retention removes: a pure function of the live seqs (ascending), their
 * times, the policy and {@code now}. It only ever removes a prefix of the log (the oldest events),
 * so what remains is always a contiguous tail: first everything beyond {@code maxCount}, then,
 * from the oldest on, every event older than {@code now - maxAge} up to the first younger one.
 */
public final class RetentionPlanner {
    private RetentionPlanner() {}

    /**
     * @param seqs   live event seqs, ascending
     * @param timeOf an event's time, or null when it no longer exists (it is then skipped)
     */
    public static List<Long> plan(long[] seqs, LongFunction<Instant> timeOf, RetentionPolicy policy, Instant now) {
        List<Long> doomed = new ArrayList<>();
        int i = 0;
        for (; i < seqs.length - policy.maxCount(); i++) doomed.add(seqs[i]);
        Instant cutoff = now.minus(policy.maxAge());
        for (; i < seqs.length; i++) {
            Instant t = timeOf.apply(seqs[i]);
            if (t == null) continue;
            if (!t.isBefore(cutoff)) break;
            doomed.add(seqs[i]);
        }
        return doomed;
    }
}
