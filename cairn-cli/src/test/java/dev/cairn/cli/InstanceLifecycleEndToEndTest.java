package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.packages.archive.PackageBuilder;
import dev.cairn.testkit.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The instance lifecycle of seed 001 on an in-process {@code cairn up} (ZooKeeper, controller, one
 * agent): a package of Cairn's own format running {@code python3 -m http.server} is staged,
 * installed (config rendered, states applied), started (the policy engine runs it and it answers
 * HTTP), stopped, and removed with its stage kept; plus the policy rules and hostile options.
 */
class InstanceLifecycleEndToEndTest {
    @TempDir
    static Path tmp;

    static EmbeddedCluster cluster;
    static Path shared;

    static final String HELLO = """
            name: hello
            version: 1.0.0
            description: a tiny HTTP service
            options:                                  # JSON Schema; defaults fill what the user leaves out
              type: object
              properties:
                port: {type: integer, default: 18080, minimum: 1024, maximum: 65535, description: TCP port to listen on}
                greeting: {type: string, default: hello}
            instance:
              policy: multi                           # multi | one-per-role | one-per-cluster
              config:
                - template: templates/app.conf.mustache   # path inside the package
                  path: conf/app.conf                     # path inside the instance home
              states: states/install.sls              # optional
            service:
              command: ["python3", "-m", "http.server", "{{port}}", "--bind", "127.0.0.1"]
              cwd: "{{cairn.instance.home}}"
              monitor: {tcp: "127.0.0.1:{{port}}", interval: 1s}
            """;

    @BeforeAll
    static void up() throws Exception {
        cluster = EmbeddedCluster.start(tmp.resolve("data"), 0, 1);
        shared = cluster.dataDir().resolve("shared");
        Await.until("1 node up", Duration.ofSeconds(20), () -> ProcessClusterTest.upNodes(cluster.url()) == 1);
        // the manifest exactly as written (a 1 s tcp monitor: the agent's start-up grace lets
        // python3 take longer than that to listen)
        dev.cairn.packages.archive.PackageManifest.parse(HELLO.getBytes(StandardCharsets.UTF_8));
        publish("hello", HELLO, Map.of(
                "templates/app.conf.mustache", "greeting={{greeting}}\nport={{port}}\nhome={{cairn.instance.home}}\n",
                "states/install.sls", "installed-marker:\n  file.managed:\n    - name: {{cairn.instance.home}}/installed.txt\n"
                        + "    - contents: installed {{cairn.package.name}}@{{cairn.package.version}} as {{cairn.instance.role}}/{{cairn.instance.id}}\n"));
        publish("solo", """
                name: solo
                version: 2.0.0
                description: one per role
                options:
                  type: object
                  properties:
                    name: {type: string, default: solo, description: file name of the config}
                instance:
                  policy: one-per-role
                  config:
                    - template: t.mustache
                      path: conf/{{name}}.conf
                """, Map.of("t.mustache", "name={{name}}\n"));
        publish("single", """
                name: single
                version: 0.1.0
                description: one per cluster
                instance:
                  policy: one-per-cluster
                """, Map.of());
    }

    @AfterAll
    static void down() {
        if (cluster != null) cluster.close();
    }

    static void publish(String name, String manifest, Map<String, String> files) throws IOException {
        Path dir = tmp.resolve("src-" + name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.yaml"), manifest);
        for (var f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        Path archive = tmp.resolve(name + ".tar.gz");
        PackageBuilder.build(dir, archive);
        CliRunner add = CliRunner.run("package", "add", archive.toString(), "--wait", "--url", cluster.url());
        assertEquals(0, add.exit(), add.out() + add.err());
    }

    record Run(int exit, String out, String err) {}

    static Run cli(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        Main.configure(cl);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--url";
        full[args.length + 1] = cluster.url();
        return new Run(cl.execute(full), out.toString(), err.toString());
    }

    static Run instance(String... args) {
        return cli(new InstanceCommand(), args);
    }

    static Run ok(Run r) {
        assertEquals(0, r.exit(), r.out() + r.err());
        return r;
    }

    static JsonNode find(String role, String id) {
        JsonNode all = Json.tree(ok(instance("list", "--json")).out().getBytes(StandardCharsets.UTF_8));
        for (JsonNode i : all.path("instances")) {
            if (i.path("role").asText().equals(role) && i.path("id").asText().equals(id)) return i;
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String get(int port, String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    static boolean refused(int port) throws InterruptedException {
        try {
            get(port, "/");
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return e.getCause() instanceof ConnectException;
        }
    }

    @Test
    void wholeLifecycle() throws Exception {
        ok(cli(new RoleCommand(), "create", "prod"));
        for (String b : new String[] {"apps", "data", "etl", "cairn"}) assertTrue(Files.isDirectory(shared.resolve(b).resolve("prod")), b);

        Run stage = ok(instance("stage", "hello"));
        assertTrue(stage.out().contains("staged hello@1.0.0"), stage.out());
        Path stageDir = shared.resolve("cairn/shared/hello/stage/1.0.0");
        assertTrue(Files.isRegularFile(stageDir.resolve("package.yaml")));

        int port = freePort();
        Path options = Files.writeString(tmp.resolve("web1.json"), "{\"port\": " + port + ", \"greeting\": \"hi there\"}");
        Run install = ok(instance("install", "hello", "--role", "prod", "--id", "web1", "--options", options.toString()));
        Path home = shared.resolve("apps/prod/hello/web1");
        assertTrue(install.out().contains("installed hello@1.0.0 as prod/web1 in " + home), install.out());
        assertEquals("greeting=hi there\nport=" + port + "\nhome=" + home + "\n", Files.readString(home.resolve("conf/app.conf")));
        assertEquals("installed hello@1.0.0 as prod/web1", Files.readString(home.resolve("installed.txt")).strip(), "instance.states applied");
        JsonNode listed = find("prod", "web1");
        assertEquals("installed", listed.path("state").asText());
        assertEquals("hello", listed.path("app").asText());
        assertEquals("1.0.0", listed.path("version").asText());
        assertEquals("apps", listed.path("basedir").asText());
        assertEquals(home.toString(), listed.path("home").asText());
        assertTrue(listed.has("node") && listed.path("node").isNull());

        ok(instance("start", "prod/web1", "--wait", "--timeout", "30s"));
        try {
            Await.until("the server to answer", Duration.ofSeconds(30), () -> !refused(port));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            dev.cairn.core.api.ApiClient api = new dev.cairn.core.api.ApiClient(cluster.url());
            String logs;
            try {
                logs = api.get("/api/v1/deployments/role-prod/services/hello-web1/logs").toString();
            } catch (RuntimeException le) {
                logs = le.getMessage();
            }
            throw new AssertionError(e.getMessage() + "; instance: " + api.get("/api/v1/instances/prod/web1") + "; deployment: "
                    + api.get("/api/v1/deployments/role-prod") + "; logs: " + logs, e);
        }
        String body = get(port, "/conf/app.conf");
        assertTrue(body.contains("greeting=hi there"), body);
        listed = find("prod", "web1");
        assertEquals("running", listed.path("state").asText());
        assertEquals("node-1", listed.path("node").asText());
        Run show = ok(instance("show", "prod/web1"));
        assertTrue(show.out().contains("serviceState: running"), show.out());

        Run removeRunning = instance("remove", "prod/web1");
        assertEquals(1, removeRunning.exit());
        assertTrue(removeRunning.err().contains("stop it first"), removeRunning.err());

        ok(instance("stop", "prod/web1", "--wait", "--timeout", "30s"));
        Await.until("the server to be gone", Duration.ofSeconds(15), () -> refused(port));
        assertEquals("installed", find("prod", "web1").path("state").asText());

        Run unstageUsed = instance("unstage", "hello");
        assertEquals(1, unstageUsed.exit());
        assertTrue(unstageUsed.err().contains("used by instance prod/web1"), unstageUsed.err());

        ok(instance("remove", "prod/web1"));
        assertFalse(Files.exists(home), "home deleted");
        assertTrue(Files.isRegularFile(stageDir.resolve("package.yaml")), "stage kept");
        assertEquals(null, find("prod", "web1"));
        ok(instance("unstage", "hello"));
        assertFalse(Files.exists(stageDir));

        JsonNode events = new dev.cairn.core.api.ApiClient(cluster.url()).get("/api/v1/events?subject=prod%2Fweb1&limit=100").path("events");
        java.util.List<String> types = new java.util.ArrayList<>();
        for (JsonNode e : events) types.add(e.path("type").asText());
        assertTrue(types.containsAll(java.util.List.of("instance.installing", "instance.installed", "instance.started", "instance.stopped",
                "instance.removed")), types.toString());
    }

    @Test
    void anInstallWhoseStatesFailExitsOneWithTheFailureAndLeavesTheInstanceStaged() throws IOException {
        publish("broken", """
                name: broken
                version: 1.0.0
                description: its states fail
                instance:
                  policy: multi
                  config:
                    - template: t.mustache
                      path: conf/broken.conf
                  states: states/install.sls
                """, Map.of("t.mustache", "x=1\n", "states/install.sls", "boom:\n  cmd.run:\n    - name: echo failing; exit 3\n"));
        Run r = instance("install", "broken", "--role", "shared", "--id", "b1");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("error: instance.states of shared/b1 failed: state run run-"), r.err());
        assertTrue(r.err().contains(" on node-1 failed (boom: "), r.err());
        assertTrue(r.err().contains("hint: fix the states (or the nodes) and install again"), r.err());
        assertFalse(r.out().contains("installed"), r.out());
        Run show = ok(instance("show", "shared/b1"));
        assertTrue(show.out().contains("state:        staged"), show.out());
        assertTrue(show.out().contains("error:        install failed: instance.states of shared/b1 failed"), show.out());
        assertFalse(show.out().contains("step:"), "the install is over: " + show.out());
        assertFalse(Files.exists(shared.resolve("apps/shared/broken/b1")), "the home the install created is deleted");
        ok(instance("remove", "shared/b1"));
    }

    @Test
    void policiesAreEnforced() {
        ok(cli(new RoleCommand(), "create", "dev"));
        ok(instance("install", "solo", "--role", "dev", "--id", "a"));
        Run second = instance("install", "solo", "--role", "dev", "--id", "b");
        assertEquals(1, second.exit());
        assertTrue(second.err().contains("solo is one-per-role and role 'dev' already has instance dev/a"), second.err());
        ok(instance("install", "solo", "--role", "shared", "--id", "b"));

        Run outside = instance("install", "single", "--role", "dev", "--id", "one");
        assertEquals(1, outside.exit());
        assertTrue(outside.err().contains("single is one-per-cluster: it can only be installed in role 'shared', not 'dev'"), outside.err());
        ok(instance("install", "single", "--role", "shared", "--id", "one"));
        Run twice = instance("install", "single", "--role", "shared", "--id", "two");
        assertEquals(1, twice.exit());
        assertTrue(twice.err().contains("already has instance shared/one"), twice.err());

        Run noService = instance("start", "shared/one");
        assertEquals(2, noService.exit());
        assertTrue(noService.err().contains("cannot start: single declares no service"), noService.err());
        assertTrue(ok(instance("show", "shared/one")).out().contains("state:        installed"));

        Run roleInUse = cli(new RoleCommand(), "delete", "dev");
        assertEquals(1, roleInUse.exit());
        ok(instance("remove", "dev/a"));
        ok(cli(new RoleCommand(), "delete", "dev"));
        assertFalse(Files.exists(shared.resolve("apps/dev")));
    }

    @Test
    void universePackageInstallsWithRenderedMarathonJsonButCannotRunAContainer() throws IOException {
        Path universe = dev.cairn.testkit.TestData.universe();
        CliRunner repo = CliRunner.run("repo", "add", "testdata", universe.toUri().toString(), "--url", cluster.url());
        assertEquals(0, repo.exit(), repo.err());
        CliRunner pkg = CliRunner.run("package", "install", "httpbin", "--wait", "--url", cluster.url());
        assertEquals(0, pkg.exit(), pkg.out() + pkg.err());
        Path options = Files.writeString(tmp.resolve("httpbin.json"), "{\"service\": {\"name\": \"bin-one\"}}");
        Run install = ok(instance("install", "httpbin", "--role", "shared", "--id", "h1", "--options", options.toString()));
        assertTrue(install.out().contains("note: the rendered marathon.json of httpbin has no 'cmd'"), install.out());
        JsonNode rendered = Json.tree(Files.readAllBytes(shared.resolve("apps/shared/httpbin/h1/marathon.json")));
        assertEquals("/httpbin", rendered.path("id").asText());
        String image = rendered.path("container").path("docker").path("image").asText();
        assertFalse(image.isEmpty() || image.contains("{{"), "the image comes from resource.json: " + image);
        assertTrue(install.out().contains("(it runs the container image " + image + ")"), install.out());
        Run start = instance("start", "shared/h1");
        assertEquals(2, start.exit());
        assertTrue(start.err().contains("cannot start: the rendered marathon.json of httpbin has no 'cmd'"), start.err());
        Run bad = instance("install", "httpbin", "--role", "shared", "--id", "h2", "--options",
                Files.writeString(tmp.resolve("httpbin-bad.json"), "{\"service\": {\"name\": 7}}").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("$.service.name is 7, but must be a string — The name of the service instance"), bad.err());
        ok(instance("remove", "shared/h1"));
        ok(instance("remove", "shared/h2"));
    }

    @Test
    void hostileOptionsAreRefusedAndTheErrorIsShown() throws IOException {
        Path inject = Files.writeString(tmp.resolve("inject.json"), "{\"greeting\": \"{{cairn.instance.home}}\"}");
        Run r = instance("install", "hello", "--role", "shared", "--id", "evil", "--options", inject.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("$.greeting contains a template tag"), r.err());
        Run show = ok(instance("show", "shared/evil"));
        assertTrue(show.out().contains("state:        staged"), show.out());
        assertTrue(show.out().contains("error:        install failed: the options of hello are invalid"), show.out());
        assertFalse(Files.exists(shared.resolve("apps/shared/hello/evil")));

        Path escape = Files.writeString(tmp.resolve("escape.json"), "{\"name\": \"../../../../../escaped\"}");
        r = instance("install", "solo", "--role", "shared", "--id", "esc", "--options", escape.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("escapes " + shared.resolve("apps/shared/solo/esc")), r.err());
        assertFalse(Files.exists(shared.resolve("escaped.conf")));
        assertFalse(Files.exists(shared.getParent().resolve("escaped.conf")));

        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"port\": 80, \"greeting\": 5}");
        r = instance("install", "hello", "--role", "shared", "--id", "badopts", "--options", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("$.port is 80, less than the minimum 1024 — TCP port to listen on"), r.err());
        assertTrue(r.err().contains("$.greeting is 5, but must be a string"), r.err());

        Run badName = instance("install", "hello", "--role", "shared", "--id", "Web-1");
        assertEquals(2, badName.exit());
        assertTrue(badName.err().contains("[a-z0-9]+"), badName.err());
        ok(instance("remove", "shared/evil"));
    }
}
