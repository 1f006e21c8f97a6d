package dev.cairn.packages;

import static dev.cairn.packages.TestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedUploadsTest {
    @TempDir Path dir;

    @Test
    void onlyOldUnreferencedUploadsAreCollected() {
        TestSupport w = new TestSupport(dir);
        StorageKey old = StagedUploads.newKey(T0);
        StorageKey oldButQueued = StagedUploads.newKey(T0);
        StorageKey fresh = StagedUploads.newKey(T0.plus(Duration.ofMinutes(50)));
        StorageKey foreign = StorageKey.of("staging", "notes.txt");
        for (StorageKey k : List.of(old, oldButQueued, fresh, foreign)) w.storage.put(k, new ByteArrayInputStream(new byte[1]));
        w.enqueue(new OperationEntry("i", OperationType.CLI_INSTALL, new PackageRef("hello", "1.0.0", null), oldButQueued.value(), false, T0));
        assertEquals(Optional.of(T0), StagedUploads.stagedAt(old));

        assertEquals(List.of(), StagedUploads.collect(w.storage, w.queue, T0.plus(Duration.ofMinutes(59)), StagedUploads.DEFAULT_GRACE));
        assertEquals(List.of(old), StagedUploads.collect(w.storage, w.queue, T0.plus(Duration.ofMinutes(61)), StagedUploads.DEFAULT_GRACE));
        assertTrue(w.storage.exists(oldButQueued));
        assertTrue(w.storage.exists(fresh));
        assertTrue(w.storage.exists(foreign));
    }

    @Test
    void extractedUploadsAreCollectedWholeIncludingHalfStagedOnes() {
        TestSupport w = new TestSupport(dir);
        StorageKey done = StagedUploads.newKey(T0);
        StorageKey half = StagedUploads.newKey(T0.plusSeconds(1)); // its request died before the manifest
        StorageKey queued = StagedUploads.newKey(T0.plusSeconds(2));
        for (StorageKey u : List.of(done, half, queued)) {
            w.storage.put(StagedUploads.fileKey(u, "package.yaml"), new ByteArrayInputStream(new byte[3]));
            w.storage.put(StagedUploads.fileKey(u, "bin/run"), new ByteArrayInputStream(new byte[5]));
        }
        for (StorageKey u : List.of(done, queued)) {
            StagedUploads.writeManifest(w.storage, u, new StagedUploads.Manifest("hello", "1.0.0",
                    List.of(new FileEntry("package.yaml", 3, "x"), new FileEntry("bin/run", 5, "y"))));
        }
        w.enqueue(new OperationEntry("i", OperationType.CLI_INSTALL, new PackageRef("hello", "1.0.0", null), queued.value(), false, T0));
        assertEquals(Optional.of(T0.plusSeconds(1)), StagedUploads.stagedAt(StagedUploads.fileKey(half, "bin/run")));
        assertEquals(List.of(done, half), StagedUploads.collect(w.storage, w.queue, T0.plus(Duration.ofHours(2)), StagedUploads.DEFAULT_GRACE));
        assertEquals(List.of(), w.storage.list(done));
        assertEquals(List.of(), w.storage.list(half));
        assertEquals(3, w.storage.list(queued).size());
    }
}
