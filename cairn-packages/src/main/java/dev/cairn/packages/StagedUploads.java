package dev.cairn.packages;

import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.StorageKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Uploads staged for a CLI Install live at {@code staging/<epoch-millis>-<uuid>} until the install
 * that references them is done. The time in the key makes garbage collection a function of
 * {@code now}: an upload older than the grace period that no operation or error entry references is
 * removed (an upload whose request died before it was queued, or whose install finished just before
 * a crash).
 */
public final class StagedUploads {
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    private StagedUploads() {}

    public static StorageKey newKey(Instant now) {
        return StorageKey.of("staging", now.toEpochMilli() + "-" + UUID.randomUUID());
    }

    /** When the upload was staged, from its key; empty for keys that are not staged uploads. */
    public static Optional<Instant> stagedAt(StorageKey key) {
        List<String> s = key.segments();
        if (s.size() != 2 || !s.get(0).equals("staging")) return Optional.empty();
        int dash = s.get(1).indexOf('-');
        if (dash <= 0) return Optional.empty();
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(s.get(1).substring(0, dash))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Removes unreferenced uploads staged more than {@code grace} before {@code now}; returns the keys removed. */
    public static List<StorageKey> collect(PackageStorage storage, PackageQueue queue, Instant now, Duration grace) {
        Set<String> referenced = new HashSet<>();
        for (Coordinate c : queue.allCoordinates()) {
            QueueSnapshot s = queue.read(c);
            s.operation().map(v -> v.value().uri()).ifPresent(referenced::add);
            s.error().map(v -> v.value().uri()).ifPresent(referenced::add);
        }
        Instant cutoff = now.minus(grace);
        List<StorageKey> doomed = storage.list(StorageKey.STAGING).stream()
                .filter(k -> !referenced.contains(k.value()))
                .filter(k -> stagedAt(k).map(t -> t.isBefore(cutoff)).orElse(false))
                .toList();
        doomed.forEach(storage::delete);
        return doomed;
    }
}
