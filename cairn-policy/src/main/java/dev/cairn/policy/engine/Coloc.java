package dev.cairn.policy.engine;

/** A colocation between two resources: the dependent is placed relative to the primary. */
record Coloc(String id, Rsc dependent, Rsc primary, int score, String nodeAttribute, boolean influence) {
    String attribute() { return nodeAttribute == null ? "#uname" : nodeAttribute; }
}
