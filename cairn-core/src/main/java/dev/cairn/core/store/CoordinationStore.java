package dev.cairn.core.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The coordination store port: what ZooKeeper and etcd both do well. Small values only (entries
 * are metadata; payloads live in package storage). Every method is safe to call from any thread.
 * Connection problems surface as {@link dev.cairn.core.CairnException} with
 * {@link dev.cairn.core.ErrorCode#STORE_UNAVAILABLE}.
 */
public interface CoordinationStore extends AutoCloseable {

    Optional<Versioned<byte[]>> get(StorePath path);

    default boolean exists(StorePath path) { return get(path).isPresent(); }

    /** Creates the entry (and missing parents) if absent; returns its version, or empty if it existed. */
    Optional<Long> createIfAbsent(StorePath path, byte[] data);

    /** Creates an entry bound to this client's session/lease: it disappears when the session ends. */
    Optional<Long> createEphemeral(StorePath path, byte[] data);

    /** Creates {@code prefix/<name><zero-padded counter>} with a counter that only grows; returns the path. */
    StorePath createSequential(StorePath prefix, String name, byte[] data);

    /** Writes unconditionally (creating the entry and parents if needed); returns the new version. */
    long put(StorePath path, byte[] data);

    /** Replaces the data if the entry is at {@code expectedVersion}; empty on conflict or when missing. */
    Optional<Long> compareAndSet(StorePath path, byte[] data, long expectedVersion);

    /** Deletes the entry (and its children) if at {@code expectedVersion} ({@link StoreOp#ANY_VERSION} for any). */
    boolean delete(StorePath path, long expectedVersion);

    /** Names (decoded) of the direct children, sorted; empty when the entry is missing. */
    List<String> children(StorePath path);

    /** Runs all operations atomically, with version checks. */
    TxResult transact(List<StoreOp> ops);

    /** Watches {@code path} and everything below it. Existing entries are first reported as CREATED. */
    AutoCloseable watch(StorePath path, Consumer<StoreEvent> listener);

    /** A participant in leader election {@code group}. */
    LeaderElection leaderElection(String group, String participantId);

    void addConnectionListener(Consumer<ConnectionState> listener);

    ConnectionState connectionState();

    @Override
    void close();
}
