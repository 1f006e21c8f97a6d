package dev.cairn.core.store;

/** One operation of a multi-operation transaction: all succeed or none does. */
public sealed interface StoreOp {
    StorePath path();

    /** Any version: for {@link SetData}, {@link Delete} and {@link Check}. */
    long ANY_VERSION = -1;

    /** Creates the entry; fails the transaction if it exists. Missing parents are created. */
    record Create(StorePath path, byte[] data) implements StoreOp {}

    /**
     * Creates {@code path/<name><10-digit counter>}; the counter only grows for that parent (ZooKeeper
     * sequential nodes, an etcd revision). The committed result reports the created path.
     */
    record CreateSequential(StorePath path, String name, byte[] data) implements StoreOp {}

    /** Replaces the data if the version matches ({@link #ANY_VERSION} for any); fails if missing. */
    record SetData(StorePath path, byte[] data, long expectedVersion) implements StoreOp {}

    /** Deletes the entry if the version matches; fails if missing. */
    record Delete(StorePath path, long expectedVersion) implements StoreOp {}

    /** Asserts the entry exists at that version. */
    record Check(StorePath path, long expectedVersion) implements StoreOp {}

    static StoreOp create(StorePath path, byte[] data) { return new Create(path, data); }

    static StoreOp set(StorePath path, byte[] data, long expectedVersion) { return new SetData(path, data, expectedVersion); }

    static StoreOp delete(StorePath path, long expectedVersion) { return new Delete(path, expectedVersion); }

    static StoreOp check(StorePath path, long expectedVersion) { return new Check(path, expectedVersion); }
}
