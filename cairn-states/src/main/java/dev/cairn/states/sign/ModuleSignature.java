package dev.cairn.states.sign;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * Ed25519 signatures of extension modules. The signed message binds the module's name to its
 * bytes ({@code "cairn-module-v1\n" + name + "\n" + bytes}), so a signed module cannot be
 * installed under another name. The signature file holds the base64 signature.
 */
public final class ModuleSignature {
    private ModuleSignature() {}

    static byte[] message(String name, byte[] module) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("cairn-module-v1\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(module);
        return b.toByteArray();
    }

    public static String sign(String name, byte[] module, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message(name, module));
            return Base64.getEncoder().encodeToString(s.sign()) + "\n";
        } catch (GeneralSecurityException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot sign module " + name + ": " + e.getMessage(), "use an Ed25519 private key");
        }
    }

    /** True when the signature verifies against at least one trusted key. */
    public static boolean verify(String name, byte[] module, String signature, List<PublicKey> trusted) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] msg = message(name, module);
        for (PublicKey k : trusted) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(k);
                s.update(msg);
                if (s.verify(sig)) return true;
            } catch (GeneralSecurityException e) {
                // not this key
            }
        }
        return false;
    }
}
