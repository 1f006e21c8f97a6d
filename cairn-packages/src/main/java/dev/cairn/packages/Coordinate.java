package dev.cairn.packages;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import dev.cairn.core.storage.StorageKey;

/** A package coordinate {@code name@version}: names are {@code [a-z0-9]+}, versions free-form but path-safe. */
public record Coordinate(String name, String version) implements Comparable<Coordinate> {
    public Coordinate {
        Names.requireSimple("package name", name);
        Names.requireVersion(version);
    }

    /** Parses {@code name@version}. */
    public static Coordinate parse(String text) {
        int at = text == null ? -1 : text.indexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "package coordinate '" + text + "' must be NAME@VERSION",
                    "e.g. spark@2.3.0-1.0.0");
        }
        return new Coordinate(text.substring(0, at), text.substring(at + 1));
    }

    /** {@code packages/<name>/<version>} in package storage. */
    public StorageKey storagePrefix() {
        return StorageKey.packageDir(name, version);
    }

    @Override
    public String toString() { return name + "@" + version; }

    @Override
    public int compareTo(Coordinate o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : version.compareTo(o.version);
    }
}
