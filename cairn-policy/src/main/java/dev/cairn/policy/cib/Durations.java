package dev.cairn.policy.cib;

/** Pacemaker interval specs: "30s", "1m", "500ms", "1h", or a bare number in a default unit. */
final class Durations {
    private Durations() {}

    static long parseMs(String spec, long bareUnitMs) {
        if (spec == null) return 0;
        String s = spec.trim().toLowerCase();
        if (s.isEmpty()) return 0;
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)))) i++;
        if (i == 0) return 0;
        long n = Long.parseLong(s.substring(0, Math.min(i, 15)));
        String unit = s.substring(i).trim();
        return switch (unit) {
            case "" -> n * bareUnitMs;
            case "ms", "msec" -> n;
            case "s", "sec" -> n * 1000;
            case "m", "min" -> n * 60_000;
            case "h", "hr" -> n * 3_600_000;
            case "us", "usec" -> n / 1000;
            default -> n * bareUnitMs;
        };
    }
}
