package dev.cairn.packages;

import java.time.Duration;
import java.time.Instant;

/**
 * How failed operations are retried: at most {@code maxAttempts} attempts in all, waiting
 * {@code initialBackoff} after the first failure and twice as long after each next one, capped at
 * {@code maxBackoff}.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofMinutes(5));

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }

    /** When attempt {@code failedAttempts + 1} is due, given that {@code failedAttempts} attempts failed by {@code now}. */
    public Instant nextAttempt(int failedAttempts, Instant now) {
        Duration d = initialBackoff;
        for (int i = 1; i < failedAttempts && d.compareTo(maxBackoff) < 0; i++) d = d.multipliedBy(2);
        return now.plus(d.compareTo(maxBackoff) > 0 ? maxBackoff : d);
    }

    public boolean exhausted(int failedAttempts) {
        return failedAttempts >= maxAttempts;
    }
}
