package dev.cairn.controller.deploy.engine;

/**
 * Fault injection for DPEs: called before each decision round; throwing kills that DPE as any bug
 * would, and the CPE must bring it back. Production uses {@link #NONE}.
 */
@FunctionalInterface
public interface DpeFaults {
    DpeFaults NONE = deployment -> { };

    void beforeRound(String deployment);
}
