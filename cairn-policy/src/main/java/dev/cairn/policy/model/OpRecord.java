package dev.cairn.policy.model;

/**
 * One {@code lrm_rsc_op}: the operation, its interval (ms), call id, result code, execution status,
 * the expected result taken from the transition key (-1 if unknown) and the feature set it was recorded with.
 */
public record OpRecord(String id, String operation, long intervalMs, int callId, int rc, int opStatus,
                       int targetRc, String featureSet) {}
