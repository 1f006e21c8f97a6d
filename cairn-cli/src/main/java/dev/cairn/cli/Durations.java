package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations like {@code 500ms}, {@code 2s}, {@code 1m}. */
public final class Durations {
    private static final Pattern P = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {}

    public static Duration parse(String option, String value) {
        Matcher m = P.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, option + " '" + value + "' is not a duration",
                    "write it like 500ms, 2s, 1m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
