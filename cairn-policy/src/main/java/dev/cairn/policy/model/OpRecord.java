package dev.cairn.policy.model;

/**
 * One {@code lrm_rsc_op}: the operation, its interval (ms), call id, result code, execution status,
 * the expected result taken from the transition key (-1 if unknown), the feature set it was recorded with
 * and last-rc-change (-1 if missing).
 */
public record OpRecord(String id, String operation, long intervalMs, int callId, int rc, int opStatus,
                       int targetRc, String featureSet, long lastRcChange) {
    /** Pacemaker's history order: call id, then last-rc-change (when both are known). */
    public static final java.util.Comparator<OpRecord> HISTORY_ORDER = (a, b) -> {
        if (a.callId() != b.callId()) return a.callId() < b.callId() ? -1 : 1;
        if (a.lastRcChange() >= 0 && a.lastRcChange() < b.lastRcChange()) return -1;
        if (b.lastRcChange() >= 0 && a.lastRcChange() > b.lastRcChange()) return 1;
        return 0;
    };
}
