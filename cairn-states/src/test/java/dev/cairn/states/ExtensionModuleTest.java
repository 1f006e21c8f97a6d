package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.StateListener;
import dev.cairn.states.exec.StateResult;
import dev.cairn.states.sign.ModuleKeys;
import dev.cairn.states.sign.ModuleSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ed25519-signed extension modules: run when verified, refused when unsigned or tampered. */
class ExtensionModuleTest {
    @TempDir
    Path tmp;

    private static final String MODULE = """
            #!/bin/sh
            input=$(cat)
            case "$input" in
              *'"test":true'*) echo '{"result":null,"changes":{},"comment":"would greet"}' ;;
              *) echo '{"result":true,"changes":{"greeted":"yes"},"comment":"greeted"}' ;;
            esac
            """;

    private Path setup(KeyPair signer, KeyPair trusted) throws Exception {
        Path mods = Files.createDirectories(tmp.resolve("modules"));
        Path keys = Files.createDirectories(tmp.resolve("trusted"));
        Path mod = mods.resolve("greet");
        Files.writeString(mod, MODULE);
        Files.setPosixFilePermissions(mod, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (signer != null) Files.writeString(mods.resolve("greet.sig"), ModuleSignature.sign("greet", Files.readAllBytes(mod), signer.getPrivate()));
        ModuleKeys.write(trusted, keys.resolve("ops"));
        Files.delete(keys.resolve("ops.key"));
        Files.writeString(tmp.resolve("use.sls"), "hello: {greet.say: [{name: world}]}\n");
        return mod;
    }

    private LocalApply.Outcome apply(boolean test) {
        return new LocalApply(tmp.resolve("use.sls").toString(), Mode.ANSIBLE, test, false, tmp.resolve("state"),
                tmp.resolve("modules"), tmp.resolve("trusted"), 4, StateListener.NONE).run();
    }

    @Test
    void signedModuleRunsWithJsonInAndOut() throws Exception {
        KeyPair kp = ModuleKeys.generate();
        setup(kp, kp);
        LocalApply.Outcome o = apply(false);
        assertTrue(o.errors().isEmpty(), o.errors()::toString);
        StateResult r = o.report().results().get(0);
        assertEquals(Boolean.TRUE, r.result());
        assertEquals("greeted", r.comment());
        assertEquals("yes", r.changes().get("greeted"));
        assertEquals(null, apply(true).report().results().get(0).result());
    }

    @Test
    void unsignedModuleIsRefusedBeforeAnythingRuns() throws Exception {
        KeyPair kp = ModuleKeys.generate();
        setup(null, kp);
        LocalApply.Outcome o = apply(false);
        assertTrue(o.errors().stream().anyMatch(e -> e.contains("Extension module 'greet' refused: unsigned")), o.errors()::toString);
    }

    @Test
    void tamperedOrForeignSignedModuleIsRefused() throws Exception {
        KeyPair kp = ModuleKeys.generate();
        Path mod = setup(kp, kp);
        Files.writeString(mod, MODULE.replace("greeted", "pwned"));
        LocalApply.Outcome o = apply(false);
        assertTrue(o.errors().stream().anyMatch(e -> e.contains("signature does not verify")), o.errors()::toString);
        setup(ModuleKeys.generate(), kp);
        assertFalse(apply(false).errors().isEmpty());
    }

    @Test
    void signatureBindsTheModuleName() {
        KeyPair kp = ModuleKeys.generate();
        byte[] bytes = "x".getBytes();
        String sig = ModuleSignature.sign("a", bytes, kp.getPrivate());
        assertTrue(ModuleSignature.verify("a", bytes, sig, List.of(kp.getPublic())));
        assertFalse(ModuleSignature.verify("b", bytes, sig, List.of(kp.getPublic())));
        assertFalse(ModuleSignature.verify("a", bytes, "not base64!", List.of(kp.getPublic())));
    }

    @Test
    void keyFilesRoundTripAndBadKeysAreClearErrors() throws Exception {
        KeyPair kp = ModuleKeys.generate();
        List<Path> files = ModuleKeys.write(kp, tmp.resolve("k"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        assertEquals(kp.getPublic(), ModuleKeys.readPublic(files.get(1)));
        String sig = ModuleSignature.sign("m", new byte[] {1}, ModuleKeys.readPrivate(files.get(0)));
        assertTrue(ModuleSignature.verify("m", new byte[] {1}, sig, ModuleKeys.readTrusted(files.get(1))));
        Path der = tmp.resolve("k.der");
        Files.write(der, kp.getPublic().getEncoded());
        assertEquals(kp.getPublic(), ModuleKeys.readPublic(der));
        CairnException e = assertThrows(CairnException.class, () -> ModuleKeys.readPrivate(files.get(1)));
        assertTrue(e.getMessage().contains("is not an Ed25519 PKCS#8 key"), e.getMessage());
        assertThrows(CairnException.class, () -> ModuleKeys.write(kp, tmp.resolve("k")));
    }
}
