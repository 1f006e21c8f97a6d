package dev.cairn.packages;

/**
 * The outcome of waiting for an operation: SUCCEEDED once it left the queue without an error;
 * FAILED when it left the queue with its error kept (or was superseded by an Uninstall that
 * aborted it); PENDING when the wait timed out first (still queued, maybe reattempting).
 */
public record Completion(Status status, String error, PackageStatus state) {
    public enum Status { SUCCEEDED, FAILED, PENDING }
}
