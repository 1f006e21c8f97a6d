package dev.cairn.storage;

import dev.cairn.core.storage.PackageStorage;

/** Opens the package storage a {@code --storage} URI names. */
public final class PackageStorages {
    private PackageStorages() {}

    public static PackageStorage open(String uri) {
        return open(StorageUri.parse(uri));
    }

    public static PackageStorage open(StorageUri uri) {
        return switch (uri) {
            case StorageUri.File f -> new FsPackageStorage(f.path());
            case StorageUri.S3 s -> S3PackageStorage.create(s);
        };
    }
}
