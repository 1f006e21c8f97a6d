package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.Sha256;
import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link PackageStorage} adapter must have. */
abstract class PackageStorageContract {

    protected abstract PackageStorage storage();

    static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static String read(PackageStorage st, StorageKey k) throws IOException {
        try (InputStream in = st.open(k)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void putThenReadBack() throws IOException {
        StorageKey k = StorageKey.of("packages", "hello", "1.0.0", "package.yaml");
        PutResult r = storage().put(k, bytes("name: hello\n"));
        assertEquals(12, r.size());
        assertEquals(Sha256.of("name: hello\n".getBytes(StandardCharsets.UTF_8)), r.sha256());
        assertEquals("name: hello\n", read(storage(), k));
        assertTrue(storage().exists(k));
        assertEquals(OptionalLong.of(12), storage().size(k));
    }

    @Test
    void putReplacesAndEmptyBlobsWork() throws IOException {
        StorageKey k = StorageKey.of("packages", "a", "1", "f");
        storage().put(k, bytes("first version"));
        storage().put(k, bytes(""));
        assertEquals("", read(storage(), k));
        assertEquals(OptionalLong.of(0), storage().size(k));
    }

    @Test
    void copyMakesAnIndependentBlobAndReplaces() throws IOException {
        StorageKey staged = StorageKey.of("staging", "1-u", "files", "bin", "run");
        StorageKey target = StorageKey.of("packages", "c", "1", "bin", "run");
        storage().put(staged, bytes("#!/bin/sh\n"));
        storage().put(target, bytes("an older file"));
        storage().copy(staged, target);
        assertEquals("#!/bin/sh\n", read(storage(), target));
        assertEquals(List.of(target), storage().list(StorageKey.of("packages", "c", "1")), "no temporary names listed");
        // the source goes, the copy stays (as after an install drops its staged upload)
        storage().delete(staged);
        assertEquals("#!/bin/sh\n", read(storage(), target));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> storage().copy(staged, target)).code());
        assertEquals("#!/bin/sh\n", read(storage(), target));
    }

    @Test
    void missingBlobs() {
        StorageKey k = StorageKey.of("packages", "nope", "1", "x");
        assertFalse(storage().exists(k));
        assertEquals(OptionalLong.empty(), storage().size(k));
        assertTrue(storage().get(k).isEmpty());
        CairnException e = assertThrows(CairnException.class, () -> storage().open(k));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertFalse(storage().delete(k));
        assertEquals(List.of(), storage().list(StorageKey.of("packages", "nope")));
    }

    @Test
    void listIsRecursiveSortedAndScoped() {
        storage().put(StorageKey.of("packages", "b", "1", "z.json"), bytes("z"));
        storage().put(StorageKey.of("packages", "b", "1", "assets", "a.bin"), bytes("a"));
        storage().put(StorageKey.of("packages", "b", "10", "x"), bytes("x"));
        storage().put(StorageKey.of("packages", "bb", "1", "y"), bytes("y"));
        assertEquals(List.of(StorageKey.of("packages", "b", "1", "assets", "a.bin"), StorageKey.of("packages", "b", "1", "z.json")),
                storage().list(StorageKey.of("packages", "b", "1")));
        assertEquals(3, storage().list(StorageKey.of("packages", "b")).size());
        assertEquals(4, storage().list(StorageKey.PACKAGES).size());
    }

    @Test
    void deleteAndDeleteAll() {
        StorageKey dir = StorageKey.of("packages", "c", "2");
        storage().put(dir.child("one"), bytes("1"));
        storage().put(dir.child("sub/two"), bytes("2"));
        storage().put(StorageKey.of("packages", "c", "3", "keep"), bytes("k"));
        assertTrue(storage().delete(dir.child("one")));
        assertFalse(storage().exists(dir.child("one")));
        assertEquals(1, storage().deleteAll(dir));
        assertEquals(List.of(), storage().list(dir));
        assertEquals(List.of(StorageKey.of("packages", "c", "3", "keep")), storage().list(StorageKey.of("packages", "c")));
    }

    @Test
    void largeBlobStreamsAcrossPartsWithTheRightHash() throws IOException {
        int size = 2 * 5 * 1024 * 1024 + 12345; // more than two minimum-sized S3 parts
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        StorageKey k = StorageKey.of("staging", "big");
        PutResult r = storage().put(k, new ByteArrayInputStream(data));
        assertEquals(size, r.size());
        assertEquals(Sha256.of(data), r.sha256());
        try (InputStream in = storage().open(k)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void failedPutLeavesNothingAndKeepsTheOldBlob() throws IOException {
        StorageKey k = StorageKey.of("packages", "d", "1", "f");
        storage().put(k, bytes("old"));
        InputStream failing = new InputStream() {
            int n;
            @Override
            public int read() throws IOException {
                if (n++ > 1000) throw new IOException("disk on fire");
                return 'x';
            }
        };
        CairnException e = assertThrows(CairnException.class, () -> storage().put(k, failing));
        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertEquals("old", read(storage(), k));
        assertEquals(List.of(k), storage().list(StorageKey.of("packages", "d")));
    }

    @Test
    void failureAfterSeveralPartsLeavesNothing() {
        StorageKey k = StorageKey.of("staging", "interrupted");
        InputStream failing = new InputStream() {
            long n;
            @Override
            public int read() throws IOException {
                if (n++ > 11L * 1024 * 1024) throw new IOException("connection reset by client");
                return 'y';
            }
        };
        assertThrows(CairnException.class, () -> storage().put(k, failing));
        assertFalse(storage().exists(k));
        assertEquals(List.of(), storage().list(StorageKey.STAGING));
    }

    @Test
    void sizeCapRefusesAndLeavesNothing() {
        StorageKey k = StorageKey.of("staging", "capped");
        CairnException e = assertThrows(CairnException.class, () -> storage().put(k, new ByteArrayInputStream(new byte[5000]), 4096));
        assertEquals(ErrorCode.TOO_LARGE, e.code());
        assertFalse(storage().exists(k));
        assertEquals(4096, storage().put(k, new ByteArrayInputStream(new byte[4096]), 4096).size());
    }
}
