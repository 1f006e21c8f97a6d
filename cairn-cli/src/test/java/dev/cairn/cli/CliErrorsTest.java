package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad usage and unreachable dependencies: one line plus a hint, the right exit code, no stack trace. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    static void assertOneLineError(CliRunner r, int exit, String contains) {
        assertEquals(exit, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains(contains), r.err());
        assertTrue(r.err().contains("\nhint: "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void unknownFlagIsUsageError() {
        assertOneLineError(CliRunner.run("node", "list", "--bogus"), 2, "Unknown option: '--bogus'");
        assertOneLineError(CliRunner.run("frobnicate"), 2, "frobnicate");
    }

    @Test
    void unreachableControllerIsOperationFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertOneLineError(CliRunner.run("node", "list", "--url", "http://127.0.0.1:" + port), 1, "cannot reach the controller");
        assertOneLineError(CliRunner.run("status", "--url", "not a url"), 2, "is not an http(s) URL");
    }

    @Test
    void unreachableZooKeeperIsOperationFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRunner r = CliRunner.run("controller", "--zk", "127.0.0.1:" + port, "--port", "0", "--zk-connect-timeout", "2s");
        assertOneLineError(r, 1, "cannot reach ZooKeeper at 127.0.0.1:" + port);
    }

    @Test
    void portInUseStopsUpAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRunner r = CliRunner.run("up", "--agents", "0", "--port", Integer.toString(taken.getLocalPort()), "--data", tmp.resolve("d").toString());
            assertOneLineError(r, 1, "already in use");
        }
        // the data dir lock was released: a second start on it works as far as taking the lock
        assertTrue(Files.exists(tmp.resolve("d/cairn.lock")));
    }

    @Test
    void unusableDataDirIsInputError() throws Exception {
        Path file = Files.writeString(tmp.resolve("plainfile"), "x");
        CliRunner r = CliRunner.run("up", "--agents", "0", "--port", "0", "--data", file.resolve("sub").toString());
        assertOneLineError(r, 2, "cannot use data directory");
    }

    @Test
    void badValuesAreInputErrors() {
        assertOneLineError(CliRunner.run("agent", "--controller", "http://127.0.0.1:1", "--name", "n", "--labels", "novalue"), 2, "is not key=value");
        assertOneLineError(CliRunner.run("agent", "--controller", "http://127.0.0.1:1", "--name", "n", "--heartbeat-interval", "soon"), 2, "is not a duration");
    }

    @Test
    void advertiseUrlIsCheckedBeforeAnythingConnects() {
        assertOneLineError(CliRunner.run("controller", "--zk", "127.0.0.1:1", "--advertise-url", "ftp://cairn.example.com"), 2,
                "is not an http(s) URL with a host");
        assertOneLineError(CliRunner.run("controller", "--zk", "127.0.0.1:1", "--advertise-url", "cairn.example.com:7070"), 2,
                "is not an http(s) URL with a host");
        assertEquals("https://lb.example.com:8443/cairn", dev.cairn.controller.ControllerAssembly.advertiseUrl("https://lb.example.com:8443/cairn/"));
        assertEquals("http://10.0.0.5:7070", dev.cairn.controller.ControllerAssembly.advertised("10.0.0.5", 7070));
        assertEquals("http://[fd00::5]:7070", dev.cairn.controller.ControllerAssembly.advertised("fd00::5", 7070));
        String wildcard = dev.cairn.controller.ControllerAssembly.advertised("0.0.0.0", 7070);
        assertTrue(wildcard.startsWith("http://") && wildcard.endsWith(":7070") && !wildcard.contains("0.0.0.0"), wildcard);
    }

    @Test
    void helpTeaches() {
        CliRunner r = CliRunner.run("--help");
        assertEquals(0, r.exit());
        for (String cmd : new String[] {"up", "controller", "agent", "status", "node"}) assertTrue(r.out().contains(cmd), r.out());
        assertTrue(r.out().contains("Exit codes"), r.out());
        CliRunner up = CliRunner.run("up", "--help");
        assertTrue(up.out().contains("--agents") && up.out().contains("--data") && up.out().contains("--port"), up.out());
    }

    /** Every command, however deep, answers --help with its usage and exit 0 (required options or not). */
    @Test
    void everyCommandAnswersHelp() {
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(Main.commandLine(), new java.util.ArrayList<>(), paths);
        assertTrue(paths.size() > 40, "the command tree: " + paths);
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            CliRunner r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), "cairn " + String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: cairn" + (path.isEmpty() ? "" : " " + String.join(" ", path))), r.out());
        }
    }

    private static void collect(picocli.CommandLine cl, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        out.add(java.util.List.copyOf(path));
        for (var e : cl.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName()) || e.getKey().equals("help")) continue; // aliases, picocli's help
            java.util.List<String> p = new java.util.ArrayList<>(path);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }
}
