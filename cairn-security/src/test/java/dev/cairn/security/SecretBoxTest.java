package dev.cairn.security;

import static dev.cairn.security.ClusterCaTest.CLOCK;
import static dev.cairn.security.ClusterCaTest.assertOneLineWithHint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    static final char[] SECRET = "correct horse battery staple".toCharArray();

    @Test
    void theCaKeySealedWithTheClusterSecretOpensIntoTheSameCa() {
        ClusterCa ca = ClusterCa.create("prod", CLOCK);
        byte[] pem = Pem.bytes(ca.privateKey());
        byte[] sealed = SecretBox.seal(pem, SECRET, "ca-key");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("PRIVATE KEY"), "no plain key in the sealed box");
        byte[] opened = SecretBox.open(sealed, SECRET.clone(), "ca-key");
        assertArrayEquals(pem, opened);
        ClusterCa again = ClusterCa.of(ca.certificate(), Pem.privateKey(new String(opened, StandardCharsets.UTF_8), "opened key"));
        assertEquals(ca.hash(), again.hash());
        // salt and nonce are fresh each time
        assertFalse(Arrays.equals(sealed, SecretBox.seal(pem, SECRET, "ca-key")));
    }

    @Test
    void aWrongSecretATamperedByteOrAnotherPurposeDoNotOpen() {
        byte[] sealed = SecretBox.seal("the key".getBytes(StandardCharsets.UTF_8), SECRET, "ca-key");
        CairnException wrongSecret = assertThrows(CairnException.class,
                () -> SecretBox.open(sealed, "another secret of enough length".toCharArray(), "ca-key"));
        assertEquals(ErrorCode.FORBIDDEN, wrongSecret.code());
        assertOneLineWithHint(wrongSecret);
        for (int i : new int[] {8, 24, 40, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            CairnException e = assertThrows(CairnException.class, () -> SecretBox.open(tampered, SECRET, "ca-key"), "byte " + i);
            assertEquals(ErrorCode.FORBIDDEN, e.code(), e.getMessage());
        }
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(CairnException.class, () -> SecretBox.open(sealed, SECRET, "token-key")).code());
    }

    @Test
    void garbageTruncationAndShortSecretsAreClearErrors() {
        byte[] sealed = SecretBox.seal(new byte[] {1, 2, 3}, SECRET, "ca-key");
        CairnException truncated = assertThrows(CairnException.class, () -> SecretBox.open(Arrays.copyOf(sealed, 20), SECRET, "ca-key"));
        assertEquals(ErrorCode.INVALID_INPUT, truncated.code());
        assertOneLineWithHint(truncated);
        byte[] badIterations = sealed.clone();
        badIterations[4] = 0x7f;
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> SecretBox.open(badIterations, SECRET, "ca-key")).code());
        CairnException shortSecret = assertThrows(CairnException.class, () -> SecretBox.seal(new byte[1], "short".toCharArray(), "ca-key"));
        assertEquals(ErrorCode.INVALID_INPUT, shortSecret.code());
        assertOneLineWithHint(shortSecret);
    }
}
