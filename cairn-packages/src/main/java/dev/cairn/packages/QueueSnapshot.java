package dev.cairn.packages;

import dev.cairn.core.store.Versioned;
import java.util.Optional;

/** What the two queues hold for one coordinate, with the versions to check when changing them. */
public record QueueSnapshot(Coordinate coordinate, Optional<Versioned<OperationEntry>> operation,
                            Optional<Versioned<ErrorEntry>> error) {
    public Optional<OperationType> operationType() {
        return operation.map(v -> v.value().operation());
    }

    public boolean hasError() { return error.isPresent(); }

    public PackageState state(Completeness storage) {
        return PackageStateTable.state(operationType(), hasError(), storage);
    }
}
