package dev.cairn.policy.engine;

/** Explanation vocabulary shared by the engine. */
public final class Explain {
    private Explain() {}

    /** Something that changed a resource's score on one node (node = -1: on every node). */
    public record Note(int node, String text) {}
}
