package dev.cairn.policy.model;

/** A cluster snapshot: what is configured and what was observed. */
public record Cib(Configuration configuration, Status status) {
    public Cib withStatus(Status s) { return new Cib(configuration, s); }
}
