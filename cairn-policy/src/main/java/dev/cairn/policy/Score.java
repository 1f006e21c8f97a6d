package dev.cairn.policy;

/** Pacemaker score arithmetic: integers clamped to [-1000000, 1000000] where the bounds mean -INFINITY / INFINITY. */
public final class Score {
    public static final int INFINITY = 1_000_000;

    private Score() {}

    /** Parses a score the way Pacemaker's char2score does; {@code null} or unparsable text gives {@code dflt}. */
    public static int parse(String text, int dflt) {
        if (text == null) return dflt;
        String s = text.trim();
        if (s.equalsIgnoreCase("INFINITY") || s.equalsIgnoreCase("+INFINITY")) return INFINITY;
        if (s.equalsIgnoreCase("-INFINITY")) return -INFINITY;
        if (s.equalsIgnoreCase("red")) return -INFINITY;
        if (s.equalsIgnoreCase("yellow") || s.equalsIgnoreCase("green")) return 0;
        // crm_parse_int semantics: leading integer part, clamp
        int i = 0;
        int n = s.length();
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < n && Character.isDigit(s.charAt(i))) {
            if (v < 10L * INFINITY) v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == start) return dflt;
        if (neg) v = -v;
        return clamp(v);
    }

    public static int clamp(long v) {
        if (v >= INFINITY) return INFINITY;
        if (v <= -INFINITY) return -INFINITY;
        return (int) v;
    }

    /** pcmk__add_scores: -INFINITY wins over INFINITY. */
    public static int add(int a, int b) {
        if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
        if (a >= INFINITY || b >= INFINITY) return INFINITY;
        return clamp((long) a + b);
    }

    public static String format(int score) {
        if (score >= INFINITY) return "INFINITY";
        if (score <= -INFINITY) return "-INFINITY";
        return Integer.toString(score);
    }
}
