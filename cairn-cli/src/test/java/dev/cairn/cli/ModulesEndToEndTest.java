package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extension modules on a real embedded cluster (ZooKeeper, controller, two agents over HTTP, file
 * package storage): published signed, compiled by the controller, fetched and verified by every
 * agent, and refused — with the reason in the state results and a {@code module.refused} event —
 * when the stored bytes were changed, the signature is missing or the signer is not trusted; also
 * modules served over http(s) from a loopback server.
 */
class ModulesEndToEndTest {
    @TempDir
    static Path tmp;

    static EmbeddedCluster cluster;
    static ApiClient api;
    static Path key;
    static HttpServer web;
    static final Map<String, byte[]> served = new ConcurrentHashMap<>();

    /** Appends one line to the file its state names (so each run on each node is counted) and reports a change. */
    static final String GREET = """
            #!/bin/sh
            input=$(cat)
            target=$(printf '%%s' "$input" | sed -n 's/.*"name":"\\([^"]*\\)".*/\\1/p')
            echo "greeted by %s" >> "$target"
            printf '{"result":true,"changes":{"wrote":"%%s"},"comment":"greeted"}\\n' "$target"
            """;

    @BeforeAll
    static void up() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("trusted-keys"));
        CliRunner kg = CliRunner.run("module", "keygen", tmp.resolve("ops").toString());
        assertEquals(0, kg.exit(), kg.err());
        key = tmp.resolve("ops.key");
        Files.copy(tmp.resolve("ops.pub"), data.resolve("trusted-keys/ops.pub"));
        cluster = EmbeddedCluster.start(data, 0, 2);
        api = new ApiClient(cluster.url());
        CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 2, Duration.ofSeconds(20), "2 nodes up");
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] b = served.get(ex.getRequestURI().getPath());
            if (b == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        web.start();
    }

    @AfterAll
    static void down() {
        if (web != null) web.stop(0);
        if (cluster != null) cluster.close();
    }

    static Path module(String name, String body) throws Exception {
        Path f = tmp.resolve("src").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static CliRunner cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = cluster.url();
        return CliRunner.run(all);
    }

    /** Applies {@code sls} to every node and waits; the run as {@code state show --json} prints it. */
    static JsonNode apply(String name, String sls) throws Exception {
        Path f = Files.writeString(tmp.resolve(name + ".sls"), sls);
        StringWriter text = new StringWriter();
        StateRunCommands.apply(api, f.toString(), "node-*", "ansible", false, true, true, new PrintWriter(text));
        return Json.tree(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode events(String type, String subject) {
        return api.get("/api/v1/events?type=" + type + "&subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "&limit=100")
                .path("events");
    }

    static void assertRefused(JsonNode run, String module, String reasonPart, Path mustNotExist) {
        assertEquals("failed", run.path("status").asText(), run.toString());
        assertEquals(2, run.path("nodes").size(), run.toString());
        for (JsonNode n : run.path("nodes")) {
            assertEquals("failed", n.path("status").asText(), n.toString());
            assertTrue(n.path("error").asText().contains("extension module " + module + " refused"), n.toString());
            assertTrue(n.path("error").asText().contains(reasonPart), n.toString());
            JsonNode s = n.path("states").get(0);
            assertEquals(module + ".say", s.path("function").asText(), n.toString());
            assertEquals(false, s.path("result").asBoolean(true), n.toString());
            assertTrue(s.path("comment").asText().contains("Extension module '" + module + "' refused on " + n.path("node").asText()), s.toString());
            assertTrue(s.path("comment").asText().contains(reasonPart), s.toString());
        }
        if (mustNotExist != null) assertTrue(Files.notExists(mustNotExist), "the refused module ran: " + mustNotExist);
        // one module.refused event per node, with the node and the reason, in the run's own transaction
        JsonNode ev = events("module.refused", module);
        String runId = run.path("id").asText();
        List<JsonNode> ofRun = new java.util.ArrayList<>();
        ev.forEach(e -> {
            if (e.path("data").path("run").asText().equals(runId)) ofRun.add(e);
        });
        assertEquals(2, ofRun.size(), ev.toString());
        assertEquals(java.util.Set.of("node-1", "node-2"), java.util.Set.of(ofRun.get(0).path("data").path("node").asText(),
                ofRun.get(1).path("data").path("node").asText()));
        for (JsonNode e : ofRun) {
            assertEquals(module, e.path("subject").asText());
            assertTrue(e.path("data").path("reason").asText().contains(reasonPart), e.toString());
        }
    }

    @Test
    void aPublishedSignedModuleRunsOnEveryNodeAndOnlyItsFunctionsCompile() throws Exception {
        Path file = module("greet", GREET.formatted("greet"));
        CliRunner pub = cli("module", "publish", "greet", file.toString(), "--key", key.toString(), "--function", "say");
        assertEquals(0, pub.exit(), pub.err());
        assertTrue(pub.out().startsWith("published module greet"), pub.out());
        String sha = sha256(Files.readAllBytes(file));

        CliRunner list = cli("module", "list", "--json");
        assertEquals(0, list.exit(), list.err());
        JsonNode mods = Json.tree(list.out().getBytes(StandardCharsets.UTF_8)).path("modules");
        JsonNode greet = null;
        for (JsonNode m : mods) if (m.path("name").asText().equals("greet")) greet = m;
        assertTrue(greet != null, list.out());
        assertEquals("storage", greet.path("source").asText());
        assertEquals(sha, greet.path("sha256").asText());
        assertEquals(Files.size(file), greet.path("size").asLong());
        assertEquals("say", greet.path("functions").get(0).asText());
        // stored with its signature in package storage, one directory per version
        Path stored = cluster.dataDir().resolve("storage/modules/greet/" + sha);
        assertTrue(Files.exists(stored.resolve("module")) && Files.exists(stored.resolve("module.sig")), stored.toString());
        assertTrue(cli("module", "list").out().contains("greet"));
        assertEquals(1, events("module.published", "greet").size());

        Path out = tmp.resolve("greeted.txt");
        JsonNode run = apply("greet", "hello:\n  greet.say:\n    - name: " + out + "\n");
        assertEquals("succeeded", run.path("status").asText(), run.toString());
        for (JsonNode n : run.path("nodes")) {
            JsonNode s = n.path("states").get(0);
            assertEquals("greet.say", s.path("function").asText(), n.toString());
            assertTrue(s.path("result").asBoolean(), n.toString());
            assertEquals(out.toString(), s.path("changes").path("wrote").asText(), n.toString());
        }
        assertEquals(2, Files.readAllLines(out).size(), "the module ran once on each node");

        // the controller's compile knows the published functions, and still rejects unknown ones
        Path bad = Files.writeString(tmp.resolve("shout.sls"), "a:\n  greet.shout: []\n");
        CairnException e = assertThrows(CairnException.class, () -> StateRunCommands.apply(api, bad.toString(), "node-*", "ansible", false, false,
                false, new PrintWriter(new StringWriter())));
        assertEquals(ErrorCode.COMPILE_ERROR, e.code());
        assertTrue(e.getMessage().contains("module 'greet' has no function 'shout'"), e.getMessage());
        Path unknown = Files.writeString(tmp.resolve("unknown.sls"), "a:\n  nosuch.say: []\n");
        e = assertThrows(CairnException.class, () -> StateRunCommands.apply(api, unknown.toString(), "node-*", "ansible", false, false,
                false, new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().contains("no module named 'nosuch'"), e.getMessage());
        assertTrue(e.hint().contains("cairn module list"), e.hint());
    }

    @Test
    void aModuleWhoseStoredBytesWereChangedIsRefusedWithAnEventAndNothingRuns() throws Exception {
        Path file = module("tamper", GREET.formatted("tamper"));
        assertEquals(0, cli("module", "publish", "tamper", file.toString(), "--key", key.toString()).exit());
        Path stored = cluster.dataDir().resolve("storage/modules/tamper/" + sha256(Files.readAllBytes(file)) + "/module");
        Path pwned = tmp.resolve("pwned-by-tamper");
        Files.writeString(stored, "#!/bin/sh\ntouch " + pwned + "\necho '{\"result\":true,\"changes\":{},\"comment\":\"ok\"}'\n");
        Path out = tmp.resolve("tamper.txt");
        JsonNode run = apply("tamper", "t:\n  tamper.say:\n    - name: " + out + "\nafter:\n  cmd.run:\n    - name: touch " + tmp.resolve("after-tamper") + "\n");
        assertRefused(run, "tamper", "signature does not verify", pwned);
        assertTrue(Files.notExists(out) && Files.notExists(tmp.resolve("after-tamper")), "nothing in the run was executed");
    }

    @Test
    void anUnsignedModuleAndOneSignedByAnUntrustedKeyAreRefused() throws Exception {
        Path file = module("nosig", GREET.formatted("nosig"));
        assertEquals(0, cli("module", "publish", "nosig", file.toString(), "--key", key.toString()).exit());
        Files.delete(cluster.dataDir().resolve("storage/modules/nosig/" + sha256(Files.readAllBytes(file)) + "/module.sig"));
        Path out = tmp.resolve("nosig.txt");
        assertRefused(apply("nosig", "u:\n  nosig.say:\n    - name: " + out + "\n"), "nosig", "unsigned", out);

        CliRunner other = CliRunner.run("module", "keygen", tmp.resolve("stranger").toString());
        assertEquals(0, other.exit(), other.err());
        Path file2 = module("stranger", GREET.formatted("stranger"));
        assertEquals(0, cli("module", "publish", "stranger", file2.toString(), "--key", tmp.resolve("stranger.key").toString()).exit());
        Path out2 = tmp.resolve("stranger.txt");
        assertRefused(apply("stranger", "s:\n  stranger.say:\n    - name: " + out2 + "\n"), "stranger", "signature does not verify", out2);
    }

    @Test
    void aModuleServedOverHttpRunsWhenItsSignatureVerifiesAndIsRefusedOtherwise() throws Exception {
        Path file = module("webgreet", GREET.formatted("webgreet"));
        CliRunner sign = CliRunner.run("module", "sign", file.toString(), "--key", key.toString());
        assertEquals(0, sign.exit(), sign.err());
        served.put("/m/webgreet", Files.readAllBytes(file));
        served.put("/m/webgreet.sig", Files.readAllBytes(tmp.resolve("src/webgreet.sig")));
        String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/m/webgreet";
        CliRunner pub = cli("module", "publish", "webgreet", url, "--function", "say");
        assertEquals(0, pub.exit(), pub.err());
        assertTrue(pub.out().contains("from " + url), pub.out());
        assertTrue(Files.notExists(cluster.dataDir().resolve("storage/modules/webgreet")), "a URL module stores only its reference");

        Path out = tmp.resolve("web.txt");
        JsonNode run = apply("web", "w:\n  webgreet.say:\n    - name: " + out + "\n");
        assertEquals("succeeded", run.path("status").asText(), run.toString());
        assertEquals(2, Files.readAllLines(out).size());

        // the server now answers other bytes under the same signature: refused
        Path pwned = tmp.resolve("pwned-by-web");
        served.put("/m/webgreet", ("#!/bin/sh\ntouch " + pwned + "\n").getBytes(StandardCharsets.UTF_8));
        assertRefused(apply("web2", "w:\n  webgreet.say:\n    - name: " + out + "\n"), "webgreet", "signature does not verify", pwned);

        // no signature served beside it: unsigned
        served.put("/m/webplain", Files.readAllBytes(file));
        assertEquals(0, cli("module", "publish", "webplain", "http://127.0.0.1:" + web.getAddress().getPort() + "/m/webplain").exit());
        Path out3 = tmp.resolve("plain.txt");
        assertRefused(apply("plain", "p:\n  webplain.say:\n    - name: " + out3 + "\n"), "webplain", "unsigned", out3);
    }

    @Test
    void eachAgentTrustsItsOwnKeysAKeyFileOrNone() throws Exception {
        Path file = module("solo", GREET.formatted("solo"));
        assertEquals(0, cli("module", "publish", "solo", file.toString(), "--key", key.toString()).exit());
        Path empty = Files.createDirectories(tmp.resolve("no-keys"));
        try (var keyFile = new dev.cairn.agent.Agent(cluster.url(), "keyfile-1", Map.of("role", "keyfile"), Duration.ofMillis(300),
                tmp.resolve("agent-keyfile"), tmp.resolve("ops.pub"));
             var noKeys = new dev.cairn.agent.Agent(cluster.url(), "nokeys-1", Map.of("role", "nokeys"), Duration.ofMillis(300),
                     tmp.resolve("agent-nokeys"), empty)) {
            keyFile.start();
            noKeys.start();
            CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 4, Duration.ofSeconds(20), "the two extra nodes up");
            Path out = tmp.resolve("solo.txt");
            Path sls = Files.writeString(tmp.resolve("solo.sls"), "s:\n  solo.say:\n    - name: " + out + "\n");
            StringWriter text = new StringWriter();
            assertEquals(0, StateRunCommands.apply(api, sls.toString(), "role=keyfile", "ansible", false, true, true, new PrintWriter(text)),
                    text.toString());
            assertEquals(1, Files.readAllLines(out).size(), "ran on the node trusting the key file");

            text = new StringWriter();
            assertEquals(1, StateRunCommands.apply(api, sls.toString(), "role=nokeys", "ansible", false, true, true, new PrintWriter(text)));
            JsonNode n = Json.tree(text.toString().getBytes(StandardCharsets.UTF_8)).path("nodes").get(0);
            assertEquals("failed", n.path("status").asText(), n.toString());
            assertTrue(n.path("error").asText().contains("extension module solo refused: no trusted public keys on this node (" + empty), n.toString());
            assertEquals(1, Files.readAllLines(out).size(), "did not run on the node without keys");
            boolean event = false;
            for (JsonNode e : events("module.refused", "solo")) event |= e.path("data").path("node").asText().equals("nokeys-1");
            assertTrue(event, events("module.refused", "solo").toString());
        }
        CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 2, Duration.ofSeconds(30), "the extra nodes down again");
    }

    @Test
    void aCairnAgentProcessRunsModulesSignedByTheKeysGivenWithTrustedKeys() throws Exception {
        Path file = module("procmod", GREET.formatted("procmod"));
        assertEquals(0, cli("module", "publish", "procmod", file.toString(), "--key", key.toString(), "--function", "say").exit());
        Path out = tmp.resolve("procmod.txt");
        Path sls = Files.writeString(tmp.resolve("procmod.sls"), "p:\n  procmod.say:\n    - name: " + out + "\n");
        try (CairnProcesses procs = new CairnProcesses()) {
            procs.start("agent", "--controller", cluster.url(), "--name", "proc-1", "--labels", "role=proc",
                    "--data", tmp.resolve("agent-proc").toString(), "--trusted-keys", tmp.resolve("ops.pub").toString());
            procs.start("agent", "--controller", cluster.url(), "--name", "proc-2", "--labels", "role=proc-default",
                    "--data", tmp.resolve("agent-proc-default").toString());
            CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 4, Duration.ofSeconds(60), "the agent processes up");
            StringWriter text = new StringWriter();
            assertEquals(0, StateRunCommands.apply(api, sls.toString(), "role=proc", "ansible", false, true, true, new PrintWriter(text)),
                    text.toString());
            assertEquals(List.of("greeted by procmod"), Files.readAllLines(out));
            // without --trusted-keys the agent trusts <data>/trusted-keys, which is empty here
            text = new StringWriter();
            assertEquals(1, StateRunCommands.apply(api, sls.toString(), "role=proc-default", "ansible", false, true, true,
                    new PrintWriter(text)));
            JsonNode n = Json.tree(text.toString().getBytes(StandardCharsets.UTF_8)).path("nodes").get(0);
            assertTrue(n.path("error").asText().contains("no trusted public keys on this node ("
                    + tmp.resolve("agent-proc-default").toAbsolutePath().resolve("trusted-keys")), n.toString());
            assertEquals(1, Files.readAllLines(out).size());
        }
        CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 2, Duration.ofSeconds(30), "the agent processes down");
    }

    @Test
    void aRemovedModuleIsGoneFromStorageAndNoLongerCompiles() throws Exception {
        Path file = module("gone", GREET.formatted("gone"));
        assertEquals(0, cli("module", "publish", "gone", file.toString(), "--key", key.toString()).exit());
        assertTrue(Files.isDirectory(cluster.dataDir().resolve("storage/modules/gone")));
        CliRunner rm = cli("module", "remove", "gone");
        assertEquals(0, rm.exit(), rm.err());
        assertTrue(cli("module", "list", "--json").out().contains("\"modules\""));
        assertTrue(!cli("module", "list", "--json").out().contains("\"gone\""));
        assertTrue(Files.notExists(cluster.dataDir().resolve("storage/modules/gone")) || isEmptyTree(cluster.dataDir().resolve("storage/modules/gone")));
        assertEquals(1, events("module.removed", "gone").size());
        Path sls = Files.writeString(tmp.resolve("gone.sls"), "g:\n  gone.say: []\n");
        CairnException e = assertThrows(CairnException.class, () -> StateRunCommands.apply(api, sls.toString(), "node-*", "ansible", false, false,
                false, new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().contains("no module named 'gone'"), e.getMessage());
        CliRunner again = cli("module", "remove", "gone");
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("error: no published module 'gone'"), again.err());
    }

    static boolean isEmptyTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            return s.noneMatch(Files::isRegularFile);
        }
    }

    @Test
    void theApiRefusesAnUnsignedUploadABuiltInNameAndANonHttpUrl() {
        CairnException unsigned = assertThrows(CairnException.class, () -> api.postStream("/api/v1/modules/raw", "application/octet-stream",
                () -> new java.io.ByteArrayInputStream("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(30)));
        assertEquals(ErrorCode.INVALID_INPUT, unsigned.code());
        assertTrue(unsigned.getMessage().contains("signature is missing"), unsigned.getMessage());
        CairnException builtin = assertThrows(CairnException.class, () -> api.post("/api/v1/modules/file", Map.of("url", "http://127.0.0.1/x")));
        assertEquals(ErrorCode.INVALID_NAME, builtin.code());
        CairnException ftp = assertThrows(CairnException.class, () -> api.post("/api/v1/modules/ftpmod", Map.of("url", "ftp://127.0.0.1/x")));
        assertEquals(ErrorCode.INVALID_INPUT, ftp.code());
        assertTrue(api.get("/api/v1/modules").path("modules").findValuesAsText("name").stream().noneMatch(n -> n.equals("raw") || n.equals("ftpmod")));
    }

    @Test
    void badPublishInputIsAOneLineErrorWithAHintAndPublishesNothing() throws Exception {
        Path file = module("ok", GREET.formatted("ok"));
        Path rsa = tmp.resolve("rsa.key");
        Files.writeString(rsa, dev.cairn.states.sign.ModuleKeys.pem("PRIVATE KEY",
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded()));
        int before = api.get("/api/v1/modules").path("modules").size();
        record Case(String[] args, String error, String hint) {}
        List<Case> cases = List.of(
                new Case(new String[] {"module", "publish", "ok", file.toString(), "--key", tmp.resolve("missing.key").toString()},
                        "private key " + tmp.resolve("missing.key") + " does not exist", "--key"),
                new Case(new String[] {"module", "publish", "ok", file.toString(), "--key", rsa.toString()}, "is not an Ed25519 PKCS#8 key",
                        "cairn module keygen"),
                new Case(new String[] {"module", "publish", "ok", file.toString(), "--key", tmp.resolve("ops.pub").toString()},
                        "is not an Ed25519 PKCS#8 key", "cairn module keygen"),
                new Case(new String[] {"module", "publish", "Bad-Name", file.toString(), "--key", key.toString()}, "module name 'Bad-Name' is not allowed",
                        "greet"),
                new Case(new String[] {"module", "publish", "cmd", file.toString(), "--key", key.toString()}, "built-in state module", "choose another"),
                new Case(new String[] {"module", "publish", "ok", file.toString()}, "needs --key", "cairn module keygen"),
                new Case(new String[] {"module", "publish", "ok", tmp.resolve("nofile").toString(), "--key", key.toString()}, "does not exist",
                        "module executable"),
                new Case(new String[] {"module", "publish", "ok", "http://127.0.0.1:1/m/ok", "--key", key.toString()}, "--key signs a FILE",
                        "cairn module sign"));
        for (Case c : cases) {
            CliRunner r = cli(c.args());
            assertEquals(2, r.exit(), String.join(" ", c.args()) + ": " + r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals(2, lines.size(), r.err());
            assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(c.error()), r.err());
            assertTrue(lines.get(1).startsWith("hint: ") && lines.get(1).contains(c.hint()), r.err());
        }
        CliRunner down = CliRunner.run("module", "publish", "ok", file.toString(), "--key", key.toString(), "--url", "http://127.0.0.1:1");
        assertEquals(1, down.exit(), down.err());
        assertTrue(down.err().startsWith("error: cannot reach the controller at http://127.0.0.1:1"), down.err());
        assertTrue(down.err().contains("hint: "), down.err());
        assertEquals(before, api.get("/api/v1/modules").path("modules").size(), "nothing was published");
        assertTrue(Files.notExists(cluster.dataDir().resolve("storage/modules/ok")));
    }
}
