package dev.cairn.core.store;

import java.util.List;

/** The outcome of {@link CoordinationStore#transact}: committed, or the first operation that failed. */
public sealed interface TxResult {
    boolean committed();

    /**
     * Versions of the entries written, one per operation (-1 for deletes and checks), and the paths
     * actually written (differs from the op's path only for {@link StoreOp.CreateSequential}).
     */
    record Committed(List<Long> versions, List<StorePath> paths) implements TxResult {
        public boolean committed() { return true; }
    }

    /** Nothing was written. {@code index} is the operation that failed and why. */
    record Conflict(int index, StorePath path, Reason reason) implements TxResult {
        public boolean committed() { return false; }
    }

    enum Reason { EXISTS, MISSING, BAD_VERSION }
}
