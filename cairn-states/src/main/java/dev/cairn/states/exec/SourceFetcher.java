package dev.cairn.states.exec;

/**
 * Port for file sources of file.managed: {@code http(s)://…} URLs and {@code storage:KEY}
 * objects in package storage (the agent wires this to the cluster's storage).
 */
public interface SourceFetcher {
    byte[] fetch(String source);
}
