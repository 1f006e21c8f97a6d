package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bearer or join token: {@code cairn_<id>_<secret>}. The id (12 characters of {@code [a-z0-9]})
 * names the token in lists, logs and events; the secret is 32 random bytes, base64url. The store
 * keeps only the {@link #hash() hash}; a presented token is checked with {@link #matches}, in
 * constant time. SHA-256 suffices as the hash because the secret has 256 bits of entropy (a slow
 * password hash adds nothing against guessing and costs every request).
 */
public record Token(String id, String secret) {
    public static final String PREFIX = "cairn_";
    private static final Pattern FORMAT = Pattern.compile("cairn_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Token generate() {
        StringBuilder id = new StringBuilder(12);
        for (int i = 0; i < 12; i++) id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new Token(id.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Parses a presented token; a malformed one is refused without saying more. */
    public static Token parse(String value) {
        Matcher m = value == null ? null : FORMAT.matcher(value.trim());
        if (m == null || !m.matches()) {
            throw new CairnException(ErrorCode.UNAUTHENTICATED, "the token is not a Cairn token (cairn_<id>_<secret>)",
                    "copy the whole token as 'cairn token create' printed it");
        }
        return new Token(m.group(1), m.group(2));
    }

    /** Whether {@code value} has the form of a token (for telling a token from other input). */
    public static boolean looksLikeToken(String value) {
        return value != null && FORMAT.matcher(value.trim()).matches();
    }

    /** The token as users copy it. */
    public String value() {
        return PREFIX + id + "_" + secret;
    }

    /** What the store keeps: {@code sha256:HEX} of the whole token. */
    public String hash() {
        return hash(value());
    }

    static String hash(String value) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this token hashes to {@code storedHash}, compared in constant time. */
    public boolean matches(String storedHash) {
        if (storedHash == null) return false;
        return MessageDigest.isEqual(hash().getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return PREFIX + id + "_…";
    }
}
