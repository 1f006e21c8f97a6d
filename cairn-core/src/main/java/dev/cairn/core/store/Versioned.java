package dev.cairn.core.store;

/** A value read from the store with the version to use for a later compare-and-set or delete. */
public record Versioned<T>(T value, long version) {}
