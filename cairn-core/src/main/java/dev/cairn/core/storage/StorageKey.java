package dev.cairn.core.storage;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * A relative, normalized key in package storage: segments joined by '/', none empty, '.' or '..',
 * none containing a backslash or NUL, and none starting with {@code .cairn-tmp} (reserved for
 * in-flight writes). Layout: {@code packages/<name>/<version>/<file…>} for installed packages and
 * {@code staging/<upload>} for uploads not yet processed.
 */
public record StorageKey(String value) implements Comparable<StorageKey> {
    public static final String TMP_PREFIX = ".cairn-tmp";
    public static final StorageKey PACKAGES = new StorageKey("packages");
    public static final StorageKey STAGING = new StorageKey("staging");

    public StorageKey {
        if (value == null || value.isEmpty() || value.startsWith("/") || value.endsWith("/")) {
            throw invalid(value, "must be a non-empty relative path");
        }
        if (value.length() > 1024) throw invalid(value, "is longer than 1024 characters");
        for (String s : value.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) throw invalid(value, "has an empty, '.' or '..' segment");
            if (s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) throw invalid(value, "contains a backslash or NUL");
            if (s.startsWith(TMP_PREFIX)) throw invalid(value, "uses the reserved prefix " + TMP_PREFIX);
        }
    }

    public static StorageKey of(String first, String... more) {
        StringBuilder sb = new StringBuilder(first);
        for (String m : more) sb.append('/').append(m);
        return new StorageKey(sb.toString());
    }

    public static boolean isValid(String value) {
        try {
            new StorageKey(value);
            return true;
        } catch (CairnException e) {
            return false;
        }
    }

    /** {@code packages/<name>/<version>}. */
    public static StorageKey packageDir(String name, String version) {
        return of("packages", name, version);
    }

    public StorageKey child(String relative) {
        return new StorageKey(value + "/" + relative);
    }

    /** Whether this key is {@code prefix} itself or lies below it. */
    public boolean startsWith(StorageKey prefix) {
        return value.equals(prefix.value) || value.startsWith(prefix.value + "/");
    }

    /** The part below {@code prefix} ({@code packages/a/1/x/y} relative to {@code packages/a/1} is {@code x/y}). */
    public String relativeTo(StorageKey prefix) {
        if (!value.startsWith(prefix.value + "/")) {
            throw new IllegalArgumentException(value + " is not below " + prefix.value);
        }
        return value.substring(prefix.value.length() + 1);
    }

    public List<String> segments() {
        return new ArrayList<>(List.of(value.split("/")));
    }

    public String name() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() { return value; }

    @Override
    public int compareTo(StorageKey o) { return value.compareTo(o.value); }

    private static CairnException invalid(String value, String why) {
        return new CairnException(ErrorCode.INVALID_INPUT, "storage key '" + value + "' " + why,
                "keys look like packages/<name>/<version>/<file>");
    }
}
