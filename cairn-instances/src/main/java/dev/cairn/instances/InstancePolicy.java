package dev.cairn.instances;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.List;
import java.util.Optional;

/**
 * How many instances of a package may exist (seed 001): {@code multi}, {@code one-per-role}, or
 * {@code one-per-cluster} (which must be installed in role {@code shared}).
 */
public enum InstancePolicy {
    MULTI("multi"), ONE_PER_ROLE("one-per-role"), ONE_PER_CLUSTER("one-per-cluster");

    private final String text;

    InstancePolicy(String text) {
        this.text = text;
    }

    public String text() { return text; }

    public static InstancePolicy parse(String text) {
        if (text == null) return MULTI;
        for (InstancePolicy p : values()) if (p.text.equals(text)) return p;
        throw new CairnException(ErrorCode.INVALID_INPUT, "instance policy '" + text + "' is not multi, one-per-role or one-per-cluster", null);
    }

    /**
     * Why installing {@code app} as {@code role/id} is refused, given the other instances of the same
     * app ({@code others}, never the instance itself); empty when it is allowed.
     */
    public Optional<String> refusal(String app, String role, List<InstanceNames.Key> others) {
        return switch (this) {
            case MULTI -> Optional.empty();
            case ONE_PER_ROLE -> others.stream().filter(k -> k.role().equals(role)).findFirst()
                    .map(k -> app + " is one-per-role and role '" + role + "' already has instance " + k);
            case ONE_PER_CLUSTER -> !role.equals(InstanceNames.SHARED_ROLE)
                    ? Optional.of(app + " is one-per-cluster: it can only be installed in role '" + InstanceNames.SHARED_ROLE + "', not '" + role + "'")
                    : others.stream().findFirst().map(k -> app + " is one-per-cluster and the cluster already has instance " + k);
        };
    }

    /** The store key that makes the rule safe under concurrent installs; empty for multi. */
    public Optional<String> guard(String app, String role) {
        return switch (this) {
            case MULTI -> Optional.empty();
            case ONE_PER_ROLE -> Optional.of(app + "@" + role);
            case ONE_PER_CLUSTER -> Optional.of(app + "@cluster");
        };
    }
}
