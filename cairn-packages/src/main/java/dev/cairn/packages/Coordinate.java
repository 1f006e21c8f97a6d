package dev.cairn.packages;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import dev.cairn.core.storage.StorageKey;
import java.util.regex.Pattern;

/**
 * A package coordinate {@code name@version}. Names are Cairn's {@code [a-z0-9]+} or a DC/OS
 * Universe package name, {@code [a-z][a-z0-9-]*[a-z0-9]} (Universe's {@code packageNameDefinition},
 * e.g. {@code hello-world}); our own {@code package.yaml} archives keep to {@code [a-z0-9]+} (checked
 * where the manifest is read). Versions are free-form but path-safe.
 */
public record Coordinate(String name, String version) implements Comparable<Coordinate> {
    /** Universe's packageNameDefinition: lower-case letters, digits and inner hyphens, starting with a letter. */
    public static final Pattern UNIVERSE_NAME = Pattern.compile("[a-z][a-z0-9-]*[a-z0-9]");

    public Coordinate {
        requireName(name);
        Names.requireVersion(version);
    }

    /** Whether {@code name} is a package name: {@code [a-z0-9]+} or a Universe name with hyphens. */
    public static boolean isName(String name) {
        return Names.isSimple(name) || (name != null && UNIVERSE_NAME.matcher(name).matches());
    }

    static void requireName(String name) {
        if (!isName(name)) {
            throw new CairnException(ErrorCode.INVALID_NAME, "package name '" + name + "' is not allowed: names must match [a-z0-9]+,"
                    + " or for Universe packages [a-z][a-z0-9-]*[a-z0-9] (lower-case letters, digits and inner hyphens)",
                    "choose a name like 'spark' or 'web01' ('hello-world' only for Universe packages)");
        }
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
