package dev.cairn.policy.engine;

/** Pacemaker's resource roles, in its order (a higher role is "more active"). */
public enum Role {
    UNKNOWN, STOPPED, STARTED, UNPROMOTED, PROMOTED;

    public String text() {
        return switch (this) {
            case UNKNOWN -> "Unknown";
            case STOPPED -> "Stopped";
            case STARTED -> "Started";
            case UNPROMOTED -> "Unpromoted";
            case PROMOTED -> "Promoted";
        };
    }

    static Role parse(String s) {
        if (s == null) return UNKNOWN;
        return switch (s.toLowerCase()) {
            case "stopped" -> STOPPED;
            case "started" -> STARTED;
            case "unpromoted", "slave" -> UNPROMOTED;
            case "promoted", "master" -> PROMOTED;
            default -> UNKNOWN;
        };
    }
}
