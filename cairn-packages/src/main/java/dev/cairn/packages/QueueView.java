package dev.cairn.packages;

import java.util.Optional;

/** What the two queues hold for one coordinate: the operation queued and the error recorded, if any. */
public record QueueView(Coordinate coordinate, Optional<OperationEntry> operation, Optional<ErrorEntry> error) {
    public Optional<OperationType> operationType() {
        return operation.map(OperationEntry::operation);
    }

    public boolean hasError() { return error.isPresent(); }

    /** The package's row of the state table, given what storage holds. */
    public PackageState state(Completeness storage) {
        return PackageStateTable.state(operationType(), hasError(), storage);
    }
}
