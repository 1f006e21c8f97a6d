package dev.cairn.packages;

import dev.cairn.core.store.Versioned;
import java.util.Optional;

/** What the two queues hold for one coordinate, with the versions a change decided on it checks. */
public record QueueSnapshot(Coordinate coordinate, Optional<Versioned<OperationEntry>> operation,
                            Optional<Versioned<ErrorEntry>> error) {
    public QueueView view() {
        return new QueueView(coordinate, operation.map(Versioned::value), error.map(Versioned::value));
    }

    public PackageState state(Completeness storage) {
        return view().state(storage);
    }
}
