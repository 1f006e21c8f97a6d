package dev.cairn.policy.deployment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a failed monitor of a service does, with Pacemaker's {@code on-fail} meaning (Cairn never
 * fences, so Pacemaker's {@code fence} is {@link #STOP}). Written as Pacemaker's word.
 */
public enum OnFail {
    /** Carry on as if it had not failed. */
    IGNORE,
    /** Leave it alone: no further action until the failure is cleared. */
    BLOCK,
    /** Stop it and start it nowhere. */
    STOP,
    /** Recover it: stop, then start where the scheduler places it (the default). */
    RESTART,
    /** Move every service off the node. */
    STANDBY;

    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value for Pacemaker's {@code on-fail}; null for a word that is not one of ours. */
    @JsonCreator
    public static OnFail of(String word) {
        if (word == null) return null;
        for (OnFail f : values()) if (f.word().equals(word.trim().toLowerCase(Locale.ROOT))) return f;
        return null;
    }

    static String words() {
        return Arrays.stream(values()).map(OnFail::word).collect(Collectors.joining(", "));
    }
}
