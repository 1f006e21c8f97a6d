package dev.cairn.core.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The package storage port: a flat key space of immutable blobs (a shared filesystem directory or
 * an S3 bucket). Keys are {@link StorageKey}s such as {@code packages/spark/2.3.0/package.json} or
 * {@code staging/<millis>-<id>}. Writes are streamed with bounded memory and atomic per key: a reader
 * sees either the old blob, the whole new blob, or nothing — never a half-written one. The sha256 of
 * the content is computed while writing. Failures surface as {@link dev.cairn.core.CairnException}
 * with {@link dev.cairn.core.ErrorCode#STORAGE_ERROR} (or NOT_FOUND on {@link #open}).
 */
public interface PackageStorage extends AutoCloseable {

    /** Streams {@code in} into {@code key} (replacing any blob there) and returns its size and sha256. */
    PutResult put(StorageKey key, InputStream in);

    /** Like {@link #put} but refuses (and leaves nothing behind) once more than {@code maxBytes} were read. */
    default PutResult put(StorageKey key, InputStream in, long maxBytes) {
        return put(key, new LimitedInputStream(in, maxBytes, key.toString()));
    }

    /**
     * Makes {@code to} a blob with the content of {@code from} (replacing any blob there), as atomic
     * as {@link #put}. Blobs are immutable, so an adapter may do it without moving the data (a hard
     * link on a filesystem, a server-side copy on S3); this default streams it. Throws NOT_FOUND when
     * {@code from} does not exist.
     */
    default void copy(StorageKey from, StorageKey to) {
        try (InputStream in = open(from)) {
            put(to, in);
        } catch (java.io.IOException e) {
            throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.STORAGE_ERROR, "cannot copy " + from + " to " + to + ": "
                    + e.getMessage(), null, e);
        }
    }

    /** Opens the blob for streaming; throws NOT_FOUND when it does not exist. The caller closes it. */
    InputStream open(StorageKey key);

    /** Opens the blob if it exists. */
    default Optional<InputStream> get(StorageKey key) {
        return exists(key) ? Optional.of(open(key)) : Optional.empty();
    }

    boolean exists(StorageKey key);

    /** Size in bytes, or empty when the blob does not exist. */
    OptionalLong size(StorageKey key);

    /** Every key below {@code prefix} (recursively), sorted. In-flight temporary writes are never listed. */
    List<StorageKey> list(StorageKey prefix);

    /** Deletes one blob; returns whether it existed. Deleting a missing blob is not an error. */
    boolean delete(StorageKey key);

    /** Deletes everything below {@code prefix}, including leftovers of interrupted writes; returns how many blobs went. */
    default int deleteAll(StorageKey prefix) {
        int n = 0;
        for (StorageKey k : list(prefix)) {
            if (delete(k)) n++;
        }
        return n;
    }

    /** A URI describing where this storage lives (for logs and `cairn status`), without secrets. */
    String describe();

    @Override
    default void close() {}
}
