package dev.cairn.core.storage;

/** What a {@link PackageStorage#put} wrote: the key, its size in bytes and the lower-case hex sha256. */
public record PutResult(StorageKey key, long size, String sha256) {}
