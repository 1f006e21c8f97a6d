package dev.cairn.core.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 helpers: every JVM has the algorithm, so its absence is a programming error. */
public final class Sha256 {
    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    public static String of(byte[] data) {
        MessageDigest d = digest();
        d.update(data);
        return hex(d);
    }

    public static boolean isHex(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }
}
