package dev.cairn.core;

import java.util.regex.Pattern;

/** Name rules shared by every subsystem (seed 001): app names, instance ids, roles, nodes. */
public final class Names {
    private static final Pattern SIMPLE = Pattern.compile("[a-z0-9]+");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}");

    private Names() {}

    /** Names of packages, apps, roles and instances: {@code [a-z0-9]+}. */
    public static String requireSimple(String what, String value) {
        if (value == null || !SIMPLE.matcher(value).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME,
                    what + " '" + value + "' is not allowed: names must match [a-z0-9]+ (lower-case letters and digits only)",
                    "choose a name like 'spark' or 'web01'");
        }
        return value;
    }

    public static boolean isSimple(String value) {
        return value != null && SIMPLE.matcher(value).matches();
    }

    /** Node names: letters, digits, '.', '_', '-', at most 63 characters, not starting with punctuation. */
    public static String requireNode(String value) {
        if (value == null || !NODE.matcher(value).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME,
                    "node name '" + value + "' is not allowed: use letters, digits, '.', '_' or '-' (at most 63, starting with a letter or digit)",
                    "use the host name, e.g. 'node-1'");
        }
        return value;
    }

    /** Versions are free-form but path-safe. */
    public static String requireVersion(String value) {
        if (value == null || !VERSION.matcher(value).matches() || value.contains("..")) {
            throw new CairnException(ErrorCode.INVALID_NAME,
                    "version '" + value + "' is not allowed: use letters, digits and . _ + ~ - (no '..', no '/')",
                    "e.g. 1.0.0 or 2.3.0-1.0.0");
        }
        return value;
    }
}
