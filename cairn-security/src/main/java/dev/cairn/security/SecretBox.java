package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a secret (the CA key) for keeping it in the coordination store, so that other
 * controllers that know the cluster secret can take it and nobody else can read it.
 *
 * <p>AES-256-GCM with a key derived from the cluster secret by PBKDF2-HMAC-SHA256 with a random
 * salt; {@code purpose} (e.g. {@code "ca-key"}) is authenticated too, so a box sealed for one
 * purpose does not open as another. Layout: {@code "CSB1" | iterations (4) | salt (16) | nonce
 * (12) | ciphertext and tag}.
 */
public final class SecretBox {
    static final byte[] MAGIC = "CSB1".getBytes(StandardCharsets.US_ASCII);
    static final int ITERATIONS = 210_000;
    private static final int SALT = 16;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretBox() {}

    public static byte[] seal(byte[] plaintext, char[] clusterSecret, String purpose) {
        requireSecret(clusterSecret);
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(clusterSecret, salt, ITERATIONS), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(purpose));
            byte[] ct = c.doFinal(plaintext);
            return ByteBuffer.allocate(MAGIC.length + 4 + SALT + NONCE + ct.length)
                    .put(MAGIC).putInt(ITERATIONS).put(salt).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public static byte[] open(byte[] sealed, char[] clusterSecret, String purpose) {
        requireSecret(clusterSecret);
        if (sealed == null || sealed.length < MAGIC.length + 4 + SALT + NONCE + TAG_BITS / 8
                || !Arrays.equals(Arrays.copyOf(sealed, MAGIC.length), MAGIC)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the encrypted " + purpose + " is not in Cairn's format",
                    "it was not written by Cairn or is truncated; give the " + purpose + " another way (e.g. --ca-dir)");
        }
        ByteBuffer b = ByteBuffer.wrap(sealed, MAGIC.length, sealed.length - MAGIC.length);
        int iterations = b.getInt();
        if (iterations < 10_000 || iterations > 10_000_000) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the encrypted " + purpose + " has an implausible iteration count " + iterations,
                    "it was changed or is not Cairn's; give the " + purpose + " another way (e.g. --ca-dir)");
        }
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        b.get(salt).get(nonce);
        byte[] ct = new byte[b.remaining()];
        b.get(ct);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(clusterSecret, salt, iterations), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(purpose));
            return c.doFinal(ct);
        } catch (AEADBadTagException e) {
            throw new CairnException(ErrorCode.FORBIDDEN, "cannot decrypt the " + purpose + ": wrong cluster secret, or the data was changed",
                    "give every controller the same cluster secret; if it is right, restore the " + purpose + " from a backup");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static void requireSecret(char[] secret) {
        if (secret == null || secret.length < 16) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the cluster secret is " + (secret == null ? "missing" : "shorter than 16 characters"),
                    "use the cluster secret Cairn generated (at least 16 random characters)");
        }
    }

    private static byte[] aad(String purpose) {
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(MAGIC.length + p.length).put(MAGIC).put(p).array();
    }

    private static SecretKeySpec key(char[] secret, byte[] salt, int iterations) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, 256);
        try {
            byte[] k = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return new SecretKeySpec(k, "AES");
        } finally {
            spec.clearPassword();
        }
    }
}
