package dev.cairn.states.sign;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ed25519 keys for extension modules, with the JDK only: private keys as PKCS#8, public keys as
 * X.509 SubjectPublicKeyInfo, each in PEM ("PRIVATE KEY" / "PUBLIC KEY") or raw DER.
 */
public final class ModuleKeys {
    private ModuleKeys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CairnException(ErrorCode.INTERNAL, "Ed25519 is not available in this JDK", null, e);
        }
    }

    public static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    /** Writes {@code <base>.key} (mode 0600) and {@code <base>.pub}; returns the two paths. */
    public static List<Path> write(KeyPair kp, Path base) {
        Path key = base.resolveSibling(base.getFileName() + ".key");
        Path pub = base.resolveSibling(base.getFileName() + ".pub");
        try {
            if (Files.exists(key)) {
                throw new CairnException(ErrorCode.ALREADY_EXISTS, "key file " + key + " already exists", "choose another name or remove it");
            }
            if (base.getParent() != null) Files.createDirectories(base.toAbsolutePath().getParent());
            Files.writeString(key, "");
            try {
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system
            }
            Files.writeString(key, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
            return List.of(key, pub);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot write keys at " + base + ": " + e.getMessage(), null);
        }
    }

    static byte[] der(byte[] fileBytes, String type) {
        String text = new String(fileBytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN")) return fileBytes;
        String begin = "-----BEGIN " + type + "-----";
        int s = text.indexOf(begin);
        if (s < 0) throw new IllegalArgumentException("PEM file does not hold a " + type);
        int e = text.indexOf("-----END " + type + "-----", s);
        if (e < 0) throw new IllegalArgumentException("PEM " + type + " is not terminated");
        return Base64.getMimeDecoder().decode(text.substring(s + begin.length(), e));
    }

    public static PrivateKey readPrivate(Path file) {
        try {
            byte[] der = der(Files.readAllBytes(file), "PRIVATE KEY");
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "cannot read private key " + file + ": " + e.getMessage(), "check the path given to --key");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "private key " + file + " is not an Ed25519 PKCS#8 key: " + e.getMessage(),
                    "create one with 'cairn module keygen NAME'");
        }
    }

    public static PublicKey readPublic(Path file) {
        try {
            byte[] der = der(Files.readAllBytes(file), "PUBLIC KEY");
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "cannot read public key " + file + ": " + e.getMessage(), "check the trusted keys directory");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "public key " + file + " is not an Ed25519 X.509 key: " + e.getMessage(),
                    "use the .pub file written by 'cairn module keygen'");
        }
    }

    /** Every *.pub / *.pem public key in a directory (or the single file given). */
    public static List<PublicKey> readTrusted(Path dirOrFile) {
        List<PublicKey> keys = new ArrayList<>();
        if (dirOrFile == null || !Files.exists(dirOrFile)) return keys;
        if (Files.isRegularFile(dirOrFile)) {
            keys.add(readPublic(dirOrFile));
            return keys;
        }
        try (Stream<Path> s = Files.list(dirOrFile)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".pub") || n.endsWith(".pem")) keys.add(readPublic(p));
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot list trusted keys in " + dirOrFile + ": " + e.getMessage(), null);
        }
        return keys;
    }
}
