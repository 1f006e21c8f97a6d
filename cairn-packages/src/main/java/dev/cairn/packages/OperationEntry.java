package dev.cairn.packages;

import java.time.Instant;

/**
 * An entry of the operation queue ({@code /cairn/packages/operations/<name@version>}): what to do,
 * to which package, and for a CLI Install the staged upload ({@code uri}, a storage key under
 * {@code staging/}). {@code id} is unique per request; the completion marker records it, which makes
 * finishing an install idempotent. {@code withAssets}: also fetch the Universe resource assets.
 */
public record OperationEntry(String id, OperationType operation, PackageRef pkg, String uri, boolean withAssets,
                             Instant queuedAt) {
    public Coordinate coordinate() { return pkg.coordinate(); }
}
