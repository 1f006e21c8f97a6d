package dev.cairn.core.store;

/** A change seen by a watch. {@code data} is the new value (null for deletes). */
public record StoreEvent(Type type, StorePath path, byte[] data, long version) {
    public enum Type { CREATED, UPDATED, DELETED }
}
