package dev.cairn.cli;

import dev.cairn.core.storage.PackageStorage;
import dev.cairn.storage.PackageStorages;
import java.nio.file.Path;

/**
 * Where a controller keeps what is not in the coordination store, from the command's flags: the
 * CLI opens these adapters and hands them to {@link dev.cairn.controller.ControllerAssembly}.
 *
 * @param dataDir    local data directory
 * @param storageUri package storage: {@code file:///PATH} or {@code s3://BUCKET?endpoint=URL…};
 *                   null for {@code <dataDir>/storage}
 * @param sharedRoot the cluster's shared filesystem (instance stages and homes); null for
 *                   {@code <dataDir>/shared}
 */
public record ClusterPaths(Path dataDir, String storageUri, Path sharedRoot) {
    public ClusterPaths(Path dataDir) {
        this(dataDir, null, null);
    }

    public Path shared() {
        return (sharedRoot != null ? sharedRoot : dataDir.resolve("shared")).toAbsolutePath().normalize();
    }

    public String storage() {
        return storageUri != null ? storageUri : dataDir.resolve("storage").toAbsolutePath().toUri().toString();
    }

    /** Opens the package storage adapter the URI names. */
    public PackageStorage openStorage() {
        return PackageStorages.open(storage());
    }
}
