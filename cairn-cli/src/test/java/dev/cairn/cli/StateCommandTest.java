package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn state apply} and {@code cairn module keygen|sign} through picocli. */
class StateCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run exec(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path sls(String text) throws Exception {
        Path f = tmp.resolve("run.sls");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private Run apply(Path f, String... extra) {
        String[] args = new String[extra.length + 5];
        args[0] = "apply";
        args[1] = f.toString();
        args[2] = "--local";
        args[3] = "--state-dir";
        args[4] = tmp.resolve("state").toString();
        System.arraycopy(extra, 0, args, 5, extra.length);
        return exec(new StateCommand(), args);
    }

    @Test
    void jsonOutputAndExitZero() throws Exception {
        Path f = sls("""
                hello: {cmd.run: [{name: echo hi}]}
                file: {file.managed: [{name: %s/out.txt}, {contents: '{{ states.hello.stdout }}'}]}
                """.formatted(tmp));
        Run r = apply(f, "--json", "--mode", "justdoit");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = Json.tree(r.out().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, doc.get("errors").size());
        JsonNode first = doc.get("states").get(0);
        for (String k : new String[] {"id", "function", "name", "result", "changes", "comment", "run_num", "duration_ms"}) {
            assertTrue(first.has(k), k + " in " + first);
        }
        assertEquals("hello", first.get("id").asText());
        assertEquals("cmd.run", first.get("function").asText());
        assertTrue(first.get("changes").isObject());
        assertEquals("hi", first.get("changes").get("stdout").asText());
        assertEquals("hi\n", Files.readString(tmp.resolve("out.txt")));
        Run again = apply(f, "--json");
        JsonNode second = Json.tree(again.out().getBytes(StandardCharsets.UTF_8)).get("states").get(1);
        assertEquals(0, second.get("changes").size());
    }

    @Test
    void failedStateExitsOneWithHumanMarkers() throws Exception {
        Path f = sls("""
                good: {test.succeed_without_changes: []}
                changed: {test.succeed_with_changes: []}
                bad: {test.fail_without_changes: []}
                """);
        Run r = apply(f);
        assertEquals(1, r.code());
        assertTrue(r.out().contains("OK      test.succeed_without_changes good: Success!"), r.out());
        assertTrue(r.out().contains("CHANGED test.succeed_with_changes changed: Success!"), r.out());
        assertTrue(r.out().contains("FAILED  test.fail_without_changes bad: Failure!"), r.out());
        assertTrue(r.out().contains("Summary: 3 states, 1 changed, 1 failed, mode ansible"), r.out());
    }

    @Test
    void compileErrorsExitTwoAndNothingRuns() throws Exception {
        Path f = sls("""
                first: {cmd.run: [{name: touch %s/ran}]}
                second: {cmd.run: [{name: echo x}, {require: [{cmd: ghost}]}]}
                """.formatted(tmp));
        Run json = apply(f, "--json");
        assertEquals(2, json.code());
        JsonNode doc = Json.tree(json.out().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, doc.get("states").size());
        assertEquals("Referenced state does not exist for requisite [require: (cmd: ghost)] in state [echo x] in SLS [run]",
                doc.get("errors").get(0).asText());
        Run human = apply(f);
        assertEquals(2, human.code());
        assertTrue(human.err().startsWith("error: Referenced state does not exist"), human.err());
        assertTrue(human.err().contains("hint: "));
        assertFalse(Files.exists(tmp.resolve("ran")));
    }

    @Test
    void testModeAndBadInputErrorsWithHints() throws Exception {
        Path f = sls("c: {cmd.run: [{name: touch %s/ran}]}".formatted(tmp));
        Run dry = apply(f, "--test");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().startsWith("WOULD   cmd.run"), dry.out());
        assertFalse(Files.exists(tmp.resolve("ran")));
        Run mode = apply(f, "--mode", "fast");
        assertEquals(2, mode.code());
        assertEquals("error: unknown mode 'fast'\nhint: use one of: ansible, justdoit, genius\n", mode.err());
        Run missing = exec(new StateCommand(), "apply", tmp.resolve("nope.sls").toString(), "--local");
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("error: state source") && missing.err().contains("hint:"), missing.err());
        assertFalse(missing.err().contains("Exception"));
        Run noLocal = exec(new StateCommand(), "apply", f.toString());
        assertEquals(2, noLocal.code());
        assertTrue(noLocal.err().startsWith("error: state apply needs --local or --target"), noLocal.err());
        assertTrue(noLocal.err().contains("hint: --local applies on this machine"), noLocal.err());
        Run both = exec(new StateCommand(), "apply", f.toString(), "--local", "--target", "node-*");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("exclude each other"), both.err());
    }

    @Test
    void keygenSignAndApplyAnExtensionModule() throws Exception {
        Path home = tmp.resolve("home");
        Run kg = exec(new ModuleCommand(), "keygen", home.resolve("ops").toString());
        assertEquals(0, kg.code(), kg.err());
        Path mods = Files.createDirectories(tmp.resolve("mods"));
        Path mod = mods.resolve("hello");
        Files.writeString(mod, "#!/bin/sh\ncat >/dev/null\necho '{\"result\":true,\"changes\":{},\"comment\":\"hello from ext\"}'\n");
        mod.toFile().setExecutable(true);
        Path f = sls("x: {hello.world: []}");
        Run unsigned = apply(f, "--modules", mods.toString(), "--trusted-keys", home.resolve("ops.pub").toString());
        assertEquals(2, unsigned.code());
        assertTrue(unsigned.err().contains("Extension module 'hello' refused: unsigned"), unsigned.err());
        Run sign = exec(new ModuleCommand(), "sign", mod.toString(), "--key", home.resolve("ops.key").toString());
        assertEquals(0, sign.code(), sign.err());
        Run ok = apply(f, "--modules", mods.toString(), "--trusted-keys", home.resolve("ops.pub").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("hello from ext"), ok.out());
        Run badKey = exec(new ModuleCommand(), "sign", mod.toString(), "--key", home.resolve("ops.pub").toString());
        assertEquals(2, badKey.code());
        assertTrue(badKey.err().startsWith("error: private key"), badKey.err());
    }
}
