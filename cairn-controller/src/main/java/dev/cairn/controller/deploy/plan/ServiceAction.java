package dev.cairn.controller.deploy.plan;

import java.util.Optional;

/** The work a DPE sends an agent about a service: {@code service.start} or {@code service.stop}. */
public enum ServiceAction {
    START("service.start"), STOP("service.stop");

    private final String kind;

    ServiceAction(String kind) {
        this.kind = kind;
    }

    /** The work item's kind, as agents know it. */
    public String kind() {
        return kind;
    }

    /** The action a work item of {@code kind} carries out; empty for work of any other kind (logs, state runs). */
    public static Optional<ServiceAction> of(String kind) {
        for (ServiceAction a : values()) if (a.kind.equals(kind)) return Optional.of(a);
        return Optional.empty();
    }
}
