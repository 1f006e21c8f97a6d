package dev.cairn.controller.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.time.Duration;

/**
 * How much of the log to keep: at most {@code maxCount} events and none older than
 * {@code maxAge}. The count is capped at {@value #MAX_COUNT} because listing {@code /events} must
 * fit in one ZooKeeper response (1 MiB by default; 13 bytes a name).
 */
public record RetentionPolicy(int maxCount, Duration maxAge) {
    public static final int MAX_COUNT = 50_000;
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(10_000, Duration.ofDays(7));

    public RetentionPolicy {
        if (maxCount < 1 || maxCount > MAX_COUNT) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event retention count " + maxCount + " is out of range",
                    "keep between 1 and " + MAX_COUNT + " events (--events-retain-count)");
        }
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event retention age " + maxAge + " is not positive",
                    "give a duration like 30m, 12h or 7d (--events-retain-age)");
        }
    }
}
