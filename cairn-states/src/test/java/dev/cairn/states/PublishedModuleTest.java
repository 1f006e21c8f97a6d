package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.SlsParser;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import dev.cairn.states.modules.Modules;
import dev.cairn.states.sign.ExtensionModules;
import dev.cairn.states.sign.ModuleKeys;
import dev.cairn.states.sign.ModuleSignature;
import dev.cairn.states.sign.PublishedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modules fetched from the cluster: verified before they are stored or run; names, functions and URLs checked. */
class PublishedModuleTest {
    @TempDir
    Path tmp;

    private static final byte[] MODULE = """
            #!/bin/sh
            cat >/dev/null
            echo '{"result":true,"changes":{"said":"hi"},"comment":"said hi"}'
            """.getBytes(StandardCharsets.UTF_8);

    private ExtensionModules.Installed install(String sig, String sha, List<java.security.PublicKey> trusted) {
        return ExtensionModules.install("greet", MODULE, sig, sha, List.of("say"), trusted, tmp.resolve("fetched"), tmp.resolve("state"));
    }

    @Test
    void aSignedModuleIsInstalledAndRunsOnlyItsPublishedFunctions() {
        KeyPair kp = ModuleKeys.generate();
        String sig = ModuleSignature.sign("greet", MODULE, kp.getPrivate());
        ExtensionModules.Installed in = install(sig, ExtensionModules.sha256Hex(MODULE), List.of(kp.getPublic()));
        assertNull(in.refused());
        assertTrue(Files.exists(tmp.resolve("fetched/greet")) && Files.exists(tmp.resolve("fetched/greet.sig")));
        StateReturn r = in.module().call(new StateCall("s", "greet", "say", "x", Map.of(), false, null));
        assertEquals(Boolean.TRUE, r.result(), r.comment());
        assertEquals("hi", r.changes().get("said"));
        assertTrue(in.module().info().hasFunction("say"));
        assertTrue(!in.module().info().hasFunction("shout"));
    }

    @Test
    void unsignedTamperedUntrustedAndSwappedModulesAreRefusedAndNothingIsWritten() {
        KeyPair kp = ModuleKeys.generate();
        KeyPair other = ModuleKeys.generate();
        String sig = ModuleSignature.sign("greet", MODULE, kp.getPrivate());
        assertTrue(install(null, null, List.of(kp.getPublic())).refused().startsWith("unsigned"));
        assertTrue(install("  ", null, List.of(kp.getPublic())).refused().startsWith("unsigned"));
        assertEquals("no trusted public keys on this node", install(sig, null, List.of()).refused());
        assertTrue(install(sig, null, List.of(other.getPublic())).refused().contains("does not verify"));
        // a signature made for other bytes (the stored module was changed afterwards)
        String sigOfOther = ModuleSignature.sign("greet", "#!/bin/sh\necho other\n".getBytes(StandardCharsets.UTF_8), kp.getPrivate());
        assertTrue(install(sigOfOther, null, List.of(kp.getPublic())).refused().contains("does not verify"));
        // validly signed bytes that are not the version the run was compiled against
        String wrongSha = "0".repeat(64);
        assertTrue(install(sig, wrongSha, List.of(kp.getPublic())).refused().contains("not the published ones"));
        assertTrue(Files.notExists(tmp.resolve("fetched/greet")), "a refused module is never written where it could run");
    }

    @Test
    void theInstalledCopyIsVerifiedAgainBeforeEveryCall() throws Exception {
        KeyPair kp = ModuleKeys.generate();
        ExtensionModules.Installed in = install(ModuleSignature.sign("greet", MODULE, kp.getPrivate()), null, List.of(kp.getPublic()));
        Files.writeString(tmp.resolve("fetched/greet"), "#!/bin/sh\necho '{\"result\":true}'\n");
        StateReturn r = in.module().call(new StateCall("s", "greet", "say", "x", Map.of(), false, null));
        assertEquals(Boolean.FALSE, r.result());
        assertTrue(r.comment().contains("refused"), r.comment());
    }

    @Test
    void theCompilerKnowsPublishedModulesThroughTheirStandIns() {
        var parsed = SlsParser.parseText("site", "a: {greet.say: []}\nb: {greet.shout: []}\nc: {cmd.run: [{name: 'true'}]}\n");
        assertTrue(parsed.ok(), parsed.errors()::toString);
        assertEquals(List.of("greet"), List.copyOf(ExtensionModules.referenced(parsed.high())));
        Map<String, StateModule> mods = new LinkedHashMap<>(Modules.builtins());
        PublishedModule m = new PublishedModule("greet", PublishedModule.STORAGE, null, "a".repeat(64), 1L, List.of("say"), null);
        mods.put("greet", ExtensionModules.unavailable(m, "is not run here"));
        Compiler.Result r = new StateEngine(mods, new RunContext(tmp, null, null, Map.of())).compile(parsed.high(), Mode.ANSIBLE);
        assertEquals(1, r.errors().size(), r.errors()::toString);
        assertTrue(r.errors().get(0).contains("module 'greet' has no function 'shout'"), r.errors().get(0));
        PublishedModule any = new PublishedModule("greet", PublishedModule.URL, "http://h/greet", null, null, List.of(), null);
        mods.put("greet", ExtensionModules.unavailable(any, "is not run here"));
        assertTrue(new StateEngine(mods, new RunContext(tmp, null, null, Map.of())).compile(parsed.high(), Mode.ANSIBLE).ok());
    }

    @Test
    void namesFunctionsAndUrlsAreChecked() {
        assertEquals("nginx_site", PublishedModule.requireName("nginx_site"));
        CairnException bad = assertThrows(CairnException.class, () -> PublishedModule.requireName("Bad-Name"));
        assertEquals(ErrorCode.INVALID_NAME, bad.code());
        assertNotNull(bad.hint());
        CairnException builtin = assertThrows(CairnException.class, () -> PublishedModule.requireName("cmd"));
        assertTrue(builtin.getMessage().contains("built-in"), builtin.getMessage());
        assertThrows(CairnException.class, () -> PublishedModule.requireName("../x"));
        assertEquals(List.of("run", "check"), PublishedModule.requireFunctions(List.of("run", "check", "run")));
        assertThrows(CairnException.class, () -> PublishedModule.requireFunctions(List.of("no.dots")));
        assertEquals("example.org", PublishedModule.requireUrl("https://example.org/m/greet").getHost());
        for (String u : List.of("ftp://example.org/greet", "file:///tmp/greet", "https://example.org/greet?x=1", "greet")) {
            assertThrows(CairnException.class, () -> PublishedModule.requireUrl(u), u);
        }
        assertEquals("http://h/greet.sig", new PublishedModule("g", PublishedModule.URL, "http://h/greet", null, null, null, null).signatureUrl());
        assertTrue(Optional.ofNullable(new PublishedModule("g", "url", "u", null, null, null, null).functions()).orElseThrow().isEmpty());
    }
}
