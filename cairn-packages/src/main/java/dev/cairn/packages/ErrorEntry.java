package dev.cairn.packages;

import java.time.Instant;

/**
 * An entry of the error queue ({@code /cairn/packages/errors/<name@version>}): the operation that
 * failed (same shape as {@link OperationEntry}), the error message, how many attempts failed, and
 * when the next attempt is due (null once the operation was dropped: the "Failed" rows).
 */
public record ErrorEntry(String operationId, OperationType operation, PackageRef pkg, String uri, boolean withAssets,
                         String error, int attempts, Instant failedAt, Instant nextAttemptAt) {
    public Coordinate coordinate() { return pkg.coordinate(); }
}
