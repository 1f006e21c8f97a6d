package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cmd.run and file.* on real processes and files: behaviour, test=True, idempotence. */
class CmdAndFileModuleTest {
    @TempDir
    Path tmp;

    private RunReport run(String sls) { return Sls.run(sls, Mode.ANSIBLE, false, tmp); }

    @Test
    void argvNeverGoesThroughAShellAndStringDoes() {
        RunReport r = run("""
                argv: {cmd.run: [{name: [printf, '%s', '$HOME;x']}]}
                shell: {cmd.run: [{name: 'printf %s "$((1+2))"'}]}
                """);
        assertEquals("$HOME;x", Sls.byId(r, "argv").changes().get("stdout"));
        assertEquals("3", Sls.byId(r, "shell").changes().get("stdout"));
    }

    @Test
    void cwdEnvRetcodeAndTimeout() {
        RunReport r = run("""
                where: {cmd.run: [{name: pwd}, {cwd: %s}]}
                env: {cmd.run: [{name: 'echo $GREETING'}, {env: {GREETING: hi}}]}
                rc: {cmd.run: [{name: 'echo out; echo err >&2; exit 3'}]}
                slow: {cmd.run: [{name: sleep 30}, {timeout: 0.3}]}
                """.formatted(tmp));
        assertEquals(tmp.toString(), Sls.byId(r, "where").changes().get("stdout"));
        assertEquals("hi", Sls.byId(r, "env").changes().get("stdout"));
        StateResult rc = Sls.byId(r, "rc");
        assertEquals(Boolean.FALSE, rc.result());
        assertEquals(3, rc.changes().get("retcode"));
        assertEquals("err", rc.changes().get("stderr"));
        StateResult slow = Sls.byId(r, "slow");
        assertEquals(Boolean.FALSE, slow.result());
        assertTrue(slow.comment().contains("timed out"), slow.comment());
    }

    @Test
    void largeStdoutAndStderrAreCapturedWholeWithAndWithoutTimeout() {
        String cmd = "head -c 200000 /dev/zero | tr '\\\\0' e >&2; head -c 300000 /dev/zero | tr '\\\\0' o";
        RunReport r = run("plain: {cmd.run: [{name: \"%s\"}]}\ntimed: {cmd.run: [{name: \"%s\"}, {timeout: 60}]}\n".formatted(cmd, cmd));
        for (String id : new String[] {"plain", "timed"}) {
            StateResult x = Sls.byId(r, id);
            assertEquals(Boolean.TRUE, x.result(), x.comment());
            assertEquals("o".repeat(300000), x.changes().get("stdout"), id);
            assertEquals("e".repeat(200000), x.changes().get("stderr"), id);
        }
    }

    @Test
    void fileManagedWritesThroughAnOwnerOnlyTempFileAndLeavesNoneBehind() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        StringBuilder sls = new StringBuilder();
        for (int i = 0; i < 20; i++) sls.append("f%d: {file.managed: [{name: %s/f%d.txt}, {contents: 'n %d'}]}\n".formatted(i, dir, i, i));
        assertTrue(run(sls.toString()).allSucceeded());
        Files.writeString(dir.resolve("f3.txt"), "drift");
        assertTrue(run(sls.toString()).allSucceeded());
        try (var files = Files.list(dir)) {
            assertEquals(20, files.count(), "only the managed files, no temp files");
        }
        assertEquals("n 3\n", Files.readString(dir.resolve("f3.txt")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f7.txt"))));
    }

    @Test
    void runasSwitchesUserWhenRoot() {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "runas needs root");
        RunReport r = run("""
                who: {cmd.run: [{name: id -un}, {runas: nobody}]}
                ghost: {cmd.run: [{name: id -un}, {runas: no-such-user-cairn}]}
                """);
        assertEquals("nobody", Sls.byId(r, "who").changes().get("stdout"));
        StateResult ghost = Sls.byId(r, "ghost");
        assertEquals(Boolean.FALSE, ghost.result());
        assertTrue(ghost.comment().contains("runas user 'no-such-user-cairn' does not exist"), ghost.comment());
    }

    @Test
    void createsUnlessOnlyifMakeCmdIdempotent() throws Exception {
        Path marker = tmp.resolve("made");
        String sls = """
                make: {cmd.run: [{name: 'touch %1$s; echo ran'}, {creates: %1$s}]}
                unless: {cmd.run: [{name: 'echo ran'}, {unless: 'test -f %1$s'}]}
                onlyif: {cmd.run: [{name: 'echo ran'}, {onlyif: 'test -f %1$s'}]}
                """.formatted(marker);
        RunReport first = run(sls);
        assertFalse(Sls.byId(first, "make").changes().isEmpty());
        assertTrue(Files.exists(marker));
        RunReport second = run(sls);
        assertEquals(0, second.changedCount() - (Sls.byId(second, "onlyif").changes().isEmpty() ? 0 : 1));
        assertTrue(Sls.byId(second, "make").changes().isEmpty());
        assertEquals("All files in creates exist", Sls.byId(second, "make").comment());
        assertEquals("unless condition is true", Sls.byId(second, "unless").comment());
        Files.delete(marker);
        assertEquals("onlyif condition is false", Sls.byId(run(sls.replace("make:", "#")
                .replaceAll("(?m)^#.*$", "")), "onlyif").comment());
    }

    @Test
    void fileManagedContentsModeMakedirsIdempotentAndDryRun() throws Exception {
        Path f = tmp.resolve("a/b/c.txt");
        String sls = "f: {file.managed: [{name: %s}, {contents: hello}, {mode: '0600'}, {makedirs: True}]}".formatted(f);
        RunReport dry = Sls.run(sls, Mode.ANSIBLE, true, tmp);
        assertNull(dry.results().get(0).result());
        assertFalse(Files.exists(f));
        RunReport first = run(sls);
        assertTrue(first.allSucceeded());
        assertEquals("hello\n", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        RunReport second = run(sls);
        assertEquals(0, second.changedCount(), second.results()::toString);
        RunReport dry2 = Sls.run(sls, Mode.ANSIBLE, true, tmp);
        assertEquals(Boolean.TRUE, dry2.results().get(0).result());
        Files.writeString(f, "drift");
        RunReport fix = run(sls);
        assertEquals("contents differ", fix.results().get(0).changes().get("diff"));
        assertEquals("hello\n", Files.readString(f));
    }

    @Test
    void userAndGroupWhenRoot() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Path f = tmp.resolve("owned.txt");
        String sls = "f: {file.managed: [{name: %s}, {contents: x}, {user: nobody}, {group: nogroup}]}".formatted(f);
        RunReport first = run(sls);
        assertTrue(first.allSucceeded(), first.results()::toString);
        assertEquals("nobody", Files.getOwner(f).getName());
        assertEquals("nogroup", Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class).group().getName());
        assertEquals(0, run(sls).changedCount());
        RunReport bad = run("g: {file.managed: [{name: %s/x}, {contents: x}, {user: no-such-user-cairn}]}".formatted(tmp));
        assertEquals(Boolean.FALSE, bad.results().get(0).result());
    }

    @Test
    void fileManagedNeedsParentUnlessMakedirs() {
        RunReport r = run("f: {file.managed: [{name: %s/no/such/dir/x}, {contents: x}]}".formatted(tmp));
        assertEquals("Parent directory not present", r.results().get(0).comment());
        assertEquals(Boolean.FALSE, r.results().get(0).result());
    }

    @Test
    void mustacheTemplateAndHttpSource() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tpl", ex -> {
            byte[] body = "port={{port}} host={{host}}\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/tpl";
            Path out = tmp.resolve("app.conf");
            String sls = """
                    conf:
                      file.managed:
                        - name: %s
                        - source: %s
                        - template: mustache
                        - context: {port: 8080, host: web}
                    """.formatted(out, url);
            assertTrue(run(sls).allSucceeded());
            assertEquals("port=8080 host=web\n", Files.readString(out));
            assertEquals(0, run(sls).changedCount());
            RunReport missing = run(sls.replace("/tpl", "/missing"));
            assertEquals(Boolean.FALSE, missing.results().get(0).result());
            assertTrue(missing.results().get(0).comment().contains("HTTP 404"), missing.results().get(0).comment());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void storageSourceWithoutStorageIsAClearFailure() {
        RunReport r = run("f: {file.managed: [{name: %s/x}, {source: 'storage:pkgs/x'}]}".formatted(tmp));
        assertTrue(r.results().get(0).comment().contains("no package storage on this node"), r.results().get(0).comment());
    }

    @Test
    void directoryAbsentSymlinkAreIdempotent() throws Exception {
        Path d = tmp.resolve("d/e");
        Path link = tmp.resolve("link");
        Path gone = tmp.resolve("gone");
        Files.createDirectories(gone.resolve("sub"));
        Files.writeString(gone.resolve("sub/f"), "x");
        String sls = """
                dir: {file.directory: [{name: %s}, {makedirs: True}, {mode: 750}]}
                link: {file.symlink: [{name: %s}, {target: %s}]}
                gone: {file.absent: [{name: %s}]}
                """.formatted(d, link, d, gone);
        RunReport first = run(sls);
        assertTrue(first.allSucceeded(), first.results()::toString);
        assertEquals(3, first.changedCount());
        assertTrue(Files.isDirectory(d));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        assertEquals(d, Files.readSymbolicLink(link));
        assertFalse(Files.exists(gone));
        assertEquals(0, run(sls).changedCount());
    }
}
