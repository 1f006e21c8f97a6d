package dev.cairn.policy.cib;

/** Small parsing helpers shared with the engine. */
public final class CibReaderSupport {
    private CibReaderSupport() {}

    /** crm_is_true: true, on, yes, y, 1 (case-insensitive). */
    public static boolean isTrue(String v) {
        return CibReader.isTrue(v);
    }
}
