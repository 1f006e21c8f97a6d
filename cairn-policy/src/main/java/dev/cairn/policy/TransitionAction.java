package dev.cairn.policy;

/**
 * One line of the transition: what happens to a resource, where, why, and whether it is blocked.
 * {@code details} is crm_simulate's parenthesised part ("node1", "node1 -> node2").
 */
public record TransitionAction(Kind kind, String resource, String from, String to, String details, String reason,
                               boolean blocked) {
    public enum Kind {
        START("Start"), STOP("Stop"), MOVE("Move"), RECOVER("Recover"), RESTART("Restart");

        private final String label;

        Kind(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** The crm_simulate suffix: "  due to X", "  due to X (blocked)", "  blocked" or "". */
    public String suffix() {
        if (reason != null && blocked) return "  due to " + reason + " (blocked)";
        if (reason != null) return "  due to " + reason;
        if (blocked) return "  blocked";
        return "";
    }
}
