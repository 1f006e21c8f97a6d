package dev.cairn.packages;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Uploads staged for a CLI Install live at {@code staging/<epoch-millis>-<uuid>} until the install
 * that references them is done. An upload is extracted while it arrives: each validated file goes
 * to {@code staging/<id>/files/<path>} (sha256 computed while writing), and {@code staging/<id>/upload.json}
 * ({@link Manifest}: the coordinate and every file with size and sha256) is written last, once the
 * whole archive was read and found valid. The processor then links (or server-side copies) those
 * files into {@code packages/<name>/<version>/} instead of writing the data a second time. (Uploads
 * staged by earlier versions are single archive blobs at {@code staging/<id>}; they are still
 * extracted by the processor.)
 *
 * <p>The time in the key makes garbage collection a function of {@code now}: an upload older than
 * the grace period that no operation or error entry references is removed (an upload whose request
 * died before it was queued, or whose install finished just before a crash).
 */
public final class StagedUploads {
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);
    public static final String MANIFEST = "upload.json";
    public static final String FILES = "files";

    /** What {@code upload.json} holds. */
    public record Manifest(String name, String version, List<FileEntry> files) {
        public Coordinate coordinate() { return new Coordinate(name, version); }
    }

    private StagedUploads() {}

    public static StorageKey newKey(Instant now) {
        return StorageKey.of("staging", now.toEpochMilli() + "-" + UUID.randomUUID());
    }

    /** Where file {@code path} of the upload {@code upload} is staged. */
    public static StorageKey fileKey(StorageKey upload, String path) {
        return upload.child(FILES + "/" + path);
    }

    public static StorageKey manifestKey(StorageKey upload) {
        return upload.child(MANIFEST);
    }

    /** Writes the manifest: the upload is complete from here on. */
    public static void writeManifest(PackageStorage storage, StorageKey upload, Manifest m) {
        storage.put(manifestKey(upload), new ByteArrayInputStream(Json.bytes(m)));
    }

    /** The manifest of an extracted upload; empty when there is none (an archive blob of an earlier version, or gone). */
    public static Optional<Manifest> readManifest(PackageStorage storage, StorageKey upload) {
        StorageKey k = manifestKey(upload);
        if (!storage.exists(k)) return Optional.empty();
        try (InputStream in = storage.open(k)) {
            return Optional.of(Json.read(in.readAllBytes(), Manifest.class));
        } catch (IOException | RuntimeException e) {
            throw new CairnException(ErrorCode.STORAGE_ERROR, "cannot read the staged upload's " + k + ": " + e.getMessage(),
                    "add the package again with 'cairn package add FILE'", e);
        }
    }

    /** Removes an upload, whatever its form (a directory of extracted files, or an archive blob). */
    public static void drop(PackageStorage storage, StorageKey upload) {
        storage.deleteAll(upload);
        storage.delete(upload);
    }

    /** The upload a staged key belongs to ({@code staging/<id>}), or empty for keys outside staging. */
    public static Optional<StorageKey> uploadOf(StorageKey key) {
        List<String> s = key.segments();
        if (s.size() < 2 || !s.get(0).equals("staging")) return Optional.empty();
        return Optional.of(StorageKey.of("staging", s.get(1)));
    }

    /** When the upload was staged, from its key; empty for keys that are not staged uploads. */
    public static Optional<Instant> stagedAt(StorageKey key) {
        List<String> s = key.segments();
        if (s.size() < 2 || !s.get(0).equals("staging")) return Optional.empty();
        int dash = s.get(1).indexOf('-');
        if (dash <= 0) return Optional.empty();
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(s.get(1).substring(0, dash))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Removes unreferenced uploads staged more than {@code grace} before {@code now}; returns the uploads removed. */
    public static List<StorageKey> collect(PackageStorage storage, PackageQueue queue, Instant now, Duration grace) {
        Set<String> referenced = new HashSet<>();
        for (Coordinate c : queue.allCoordinates()) {
            QueueSnapshot s = queue.read(c);
            s.operation().map(v -> v.value().uri()).ifPresent(referenced::add);
            s.error().map(v -> v.value().uri()).ifPresent(referenced::add);
        }
        Instant cutoff = now.minus(grace);
        Set<StorageKey> uploads = new LinkedHashSet<>();
        for (StorageKey k : storage.list(StorageKey.STAGING)) uploadOf(k).ifPresent(uploads::add);
        List<StorageKey> doomed = new ArrayList<>();
        for (StorageKey u : uploads) {
            if (referenced.contains(u.value())) continue;
            if (stagedAt(u).map(t -> t.isBefore(cutoff)).orElse(false)) doomed.add(u);
        }
        doomed.forEach(u -> drop(storage, u));
        return doomed;
    }
}
