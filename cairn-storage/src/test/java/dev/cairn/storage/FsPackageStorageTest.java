package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.StorageKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsPackageStorageTest extends PackageStorageContract {
    @TempDir Path dir;
    FsPackageStorage storage;

    @BeforeEach
    void open() {
        storage = new FsPackageStorage(dir.resolve("storage"));
    }

    @Override
    protected PackageStorage storage() { return storage; }

    @Test
    void leftoverTemporaryFilesAreInvisibleAndRemovedByDeleteAll() throws IOException {
        StorageKey pkg = StorageKey.of("packages", "e", "1");
        storage.put(pkg.child("f"), bytes("f"));
        Path tmp = storage.root().resolve("packages/e/1/" + StorageKey.TMP_PREFIX + "-crashed");
        Files.writeString(tmp, "half a blob");
        assertEquals(List.of(pkg.child("f")), storage.list(pkg));
        assertEquals(1, storage.deleteAll(pkg));
        assertFalse(Files.exists(tmp));
        assertFalse(Files.exists(storage.root().resolve("packages/e")), "empty parents are pruned");
        assertTrue(Files.isDirectory(storage.root()));
    }

    @Test
    void copyIsAHardLinkNotASecondWrite() throws IOException {
        StorageKey staged = StorageKey.of("staging", "1-u", "files", "data");
        StorageKey target = StorageKey.of("packages", "d", "1", "data");
        storage.put(staged, bytes("payload"));
        storage.copy(staged, target);
        Path a = storage.root().resolve(staged.value());
        Path b = storage.root().resolve(target.value());
        assertEquals(Files.getAttribute(a, "unix:ino"), Files.getAttribute(b, "unix:ino"), "same inode");
        assertEquals(2, Files.getAttribute(b, "unix:nlink"));
    }

    @Test
    void aLargeBlobHashedOnAThreadOfItsOwnHasTheRightHash() throws IOException {
        // past the point where hashing moves to its own thread, and through every chunk buffer several times
        byte[] data = new byte[(30 << 20) + 777];
        new java.util.Random(7).nextBytes(data);
        StorageKey k = StorageKey.of("staging", "large");
        dev.cairn.core.storage.PutResult r = storage.put(k, new java.io.ByteArrayInputStream(data));
        assertEquals(data.length, r.size());
        assertEquals(dev.cairn.core.storage.Sha256.of(data), r.sha256());
        assertEquals(data.length, Files.size(storage.root().resolve(k.value())));
    }

    @Test
    void opensFromUri() {
        PackageStorage s = PackageStorages.open(dir.resolve("via-uri").toUri().toString());
        s.put(StorageKey.of("staging", "x"), bytes("x"));
        assertTrue(Files.isRegularFile(dir.resolve("via-uri/staging/x")));
    }
}
