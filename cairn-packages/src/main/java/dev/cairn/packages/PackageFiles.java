package dev.cairn.packages;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.Sha256;
import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/** Reads a package's files in storage: its completeness, its completion marker, the coordinates present. */
public final class PackageFiles {
    private PackageFiles() {}

    /** What storage holds for one coordinate. {@code files} excludes the marker. */
    public record Inspection(Completeness completeness, Optional<CompletionMarker> marker, List<StorageKey> files) {}

    public static StorageKey markerKey(Coordinate c) {
        return c.storagePrefix().child(CompletionMarker.FILE_NAME);
    }

    /**
     * NONE when nothing is stored; ALL when the marker parses, names this coordinate, and lists
     * exactly the files present with the sizes present; SOME otherwise. (Hashes were computed while
     * writing; {@link #verifyHashes} re-reads every byte when that is wanted.)
     */
    public static Inspection inspect(PackageStorage storage, Coordinate c) {
        StorageKey prefix = c.storagePrefix();
        List<StorageKey> keys = storage.list(prefix);
        if (keys.isEmpty()) return new Inspection(Completeness.NONE, Optional.empty(), List.of());
        StorageKey markerKey = markerKey(c);
        List<StorageKey> files = new ArrayList<>(keys);
        boolean hasMarker = files.remove(markerKey);
        if (!hasMarker) return new Inspection(Completeness.SOME, Optional.empty(), files);
        Optional<CompletionMarker> marker = readMarker(storage, c);
        if (marker.isEmpty() || !consistent(storage, c, marker.get(), files)) {
            return new Inspection(Completeness.SOME, marker, files);
        }
        return new Inspection(Completeness.ALL, marker, files);
    }

    public static Completeness completeness(PackageStorage storage, Coordinate c) {
        return inspect(storage, c).completeness();
    }

    private static boolean consistent(PackageStorage storage, Coordinate c, CompletionMarker m, List<StorageKey> files) {
        if (!c.name().equals(m.name()) || !c.version().equals(m.version()) || m.files() == null) return false;
        Set<String> present = new HashSet<>();
        for (StorageKey k : files) present.add(k.relativeTo(c.storagePrefix()));
        Set<String> listed = new HashSet<>();
        for (FileEntry f : m.files()) listed.add(f.path());
        if (!present.equals(listed) || listed.size() != m.files().size()) return false;
        for (FileEntry f : m.files()) {
            OptionalLong size = storage.size(c.storagePrefix().child(f.path()));
            if (size.isEmpty() || size.getAsLong() != f.size()) return false;
        }
        return true;
    }

    public static Optional<CompletionMarker> readMarker(PackageStorage storage, Coordinate c) {
        Optional<InputStream> in = storage.get(markerKey(c));
        if (in.isEmpty()) return Optional.empty();
        try (InputStream s = in.get()) {
            return Optional.of(Json.read(s.readAllBytes(), CompletionMarker.class));
        } catch (IOException | CairnException e) {
            return Optional.empty();
        }
    }

    public static void writeMarker(PackageStorage storage, CompletionMarker marker) {
        Coordinate c = new Coordinate(marker.name(), marker.version());
        storage.put(markerKey(c), new ByteArrayInputStream(Json.bytes(marker)));
    }

    /** Re-reads every file and compares its sha256 with the marker's; returns the paths that differ. */
    public static List<String> verifyHashes(PackageStorage storage, CompletionMarker m) {
        Coordinate c = new Coordinate(m.name(), m.version());
        List<String> bad = new ArrayList<>();
        byte[] buf = new byte[1 << 16];
        for (FileEntry f : m.files()) {
            MessageDigest d = Sha256.digest();
            try (InputStream in = storage.open(c.storagePrefix().child(f.path()))) {
                int n;
                while ((n = in.read(buf)) > 0) d.update(buf, 0, n);
            } catch (IOException | CairnException e) {
                bad.add(f.path());
                continue;
            }
            if (!Sha256.hex(d).equals(f.sha256())) bad.add(f.path());
        }
        return bad;
    }

    /** Every coordinate with at least one blob under {@code packages/}. Keys that are not ours are skipped. */
    public static TreeSet<Coordinate> coordinatesInStorage(PackageStorage storage) {
        TreeSet<Coordinate> out = new TreeSet<>();
        for (StorageKey k : storage.list(StorageKey.PACKAGES)) {
            List<String> s = k.segments();
            if (s.size() < 4) continue;
            try {
                out.add(new Coordinate(s.get(1), s.get(2)));
            } catch (CairnException e) {
                // a directory that is not a package coordinate
            }
        }
        return out;
    }

    /** Checks a package-relative path before it becomes a storage key. */
    public static String requireFilePath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || !StorageKey.isValid(path)
                || path.equals(CompletionMarker.FILE_NAME)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "package file path '" + path + "' is not allowed",
                    "paths are relative, without '..', backslashes or the reserved name " + CompletionMarker.FILE_NAME);
        }
        return path;
    }
}
