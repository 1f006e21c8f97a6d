package dev.cairn.packages;

/** The answer to an install, add or uninstall request: the queued operation and the package's state now. */
public record OperationTicket(String id, OperationType operation, String name, String version, int row, String state) {
    public Coordinate coordinate() { return new Coordinate(name, version); }
}
