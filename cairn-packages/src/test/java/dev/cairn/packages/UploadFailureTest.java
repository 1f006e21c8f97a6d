package dev.cairn.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.StorageKey;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.packages.archive.PackageArchive;
import dev.cairn.packages.archive.PackageArchiveTestAccess;
import dev.cairn.packages.universe.UriFetcher;
import dev.cairn.storage.FsPackageStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When storage fails in the middle of an upload, the user hears about storage, and nothing is left. */
class UploadFailureTest {
    @TempDir Path dir;

    /** Filesystem storage whose writes to staging/ die after 100 KiB. */
    static final class DiskFullStorage implements PackageStorage {
        final FsPackageStorage fs;

        DiskFullStorage(FsPackageStorage fs) { this.fs = fs; }

        @Override
        public PutResult put(StorageKey key, InputStream in) {
            if (!key.startsWith(StorageKey.STAGING)) return fs.put(key, in);
            return fs.put(key, new java.io.FilterInputStream(in) {
                long n;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int r = super.read(b, off, len);
                    n += Math.max(r, 0);
                    if (n > 100 * 1024) throw new IOException("No space left on device");
                    return r;
                }
            });
        }

        @Override public InputStream open(StorageKey key) { return fs.open(key); }
        @Override public boolean exists(StorageKey key) { return fs.exists(key); }
        @Override public OptionalLong size(StorageKey key) { return fs.size(key); }
        @Override public List<StorageKey> list(StorageKey prefix) { return fs.list(prefix); }
        @Override public boolean delete(StorageKey key) { return fs.delete(key); }
        @Override public String describe() { return fs.describe(); }
    }

    @Test
    void storageFailureDuringUploadIsAStorageError() {
        FsPackageStorage fs = new FsPackageStorage(dir.resolve("storage"));
        InMemoryCoordinationStore store = new InMemoryCoordinationStore();
        PackageService service = new PackageService(store, new DiskFullStorage(fs), new TestEventLog(store, Clock.systemUTC()),
                UriFetcher.DEFAULT, new PackageService.Config(64 << 20, PackageArchive.Limits.DEFAULT,
                new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(1)), "http://x"), Clock.systemUTC());
        byte[] archive = PackageArchiveTestAccess.largeArchive(1 << 20);
        CairnException e = assertThrows(CairnException.class, () -> service.add(new ByteArrayInputStream(archive), Optional.empty()));
        assertEquals(ErrorCode.STORAGE_ERROR, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals(List.of(), fs.list(StorageKey.STAGING));
        assertTrue(service.queue().operationCoordinates().isEmpty());
    }
}
