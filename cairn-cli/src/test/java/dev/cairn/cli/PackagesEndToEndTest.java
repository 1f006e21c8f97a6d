package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package CLI against a real embedded cluster (ZooKeeper, controller, filesystem storage):
 * repository, Universe Install, CLI Install of a built archive, Show System State, Uninstall, and
 * the user errors answered at once.
 */
class PackagesEndToEndTest {
    @TempDir
    static Path tmp;

    static EmbeddedCluster cluster;
    static String url;

    @BeforeAll
    static void up() {
        cluster = EmbeddedCluster.start(tmp.resolve("data"), 0, 0);
        url = cluster.url();
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    static Path universe() {
        return dev.cairn.testkit.TestData.universe();
    }

    static CliRunner cli(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        // --url goes on the leaf command
        full[args.length] = "--url";
        full[args.length + 1] = url;
        return CliRunner.run(full);
    }

    static JsonNode state() {
        CliRunner r = cli("package", "state", "--json");
        assertEquals(0, r.exit(), r.err());
        return Json.tree(r.out().getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode find(JsonNode state, String name, String version) {
        for (JsonNode p : state.path("packages")) {
            if (p.path("name").asText().equals(name) && p.path("version").asText().equals(version)) return p;
        }
        return null;
    }

    @Test
    void universeInstallStateAndUninstall() {
        CliRunner add = cli("repo", "add", "test", universe().toUri().toString());
        assertEquals(0, add.exit(), add.err());
        CliRunner search = cli("package", "search", "httpbin", "--json");
        assertEquals(0, search.exit(), search.err());
        assertTrue(search.out().contains("\"httpbin\""), search.out());

        CliRunner install = cli("package", "install", "httpbin", "--wait");
        assertEquals(0, install.exit(), install.out() + install.err());
        String version = Json.tree(cli("package", "search", "httpbin", "--json").out().getBytes(StandardCharsets.UTF_8))
                .path("packages").get(0).path("version").asText();
        JsonNode p = find(state(), "httpbin", version);
        assertTrue(p != null, "httpbin listed");
        assertEquals("ALL", p.path("storage").asText());
        assertTrue(p.path("operation").isNull(), p.toString());
        assertTrue(p.path("error").isNull(), p.toString());
        int installedRow = p.path("row").asInt();

        // installing what is installed: answered at once, not queued (exit 1)
        CliRunner again = cli("package", "install", "httpbin@" + version);
        assertEquals(1, again.exit(), again.out() + again.err());
        assertTrue(again.err().startsWith("error: "), again.err());
        assertEquals(installedRow, find(state(), "httpbin", version).path("row").asInt());

        CliRunner un = cli("package", "uninstall", "httpbin@" + version, "--wait");
        assertEquals(0, un.exit(), un.out() + un.err());
        assertTrue(find(state(), "httpbin", version) == null, "not listed once uninstalled");

        // uninstalling what is not installed: user error, exit 1
        CliRunner unAgain = cli("package", "uninstall", "httpbin@" + version);
        assertEquals(1, unAgain.exit(), unAgain.err());
    }

    @Test
    void universePackageWithAHyphenInItsNameAndItsEvents() {
        CliRunner add = cli("repo", "add", "hyphens", universe().toUri().toString());
        assertEquals(0, add.exit(), add.err());
        CliRunner describe = cli("package", "describe", "hello-world");
        assertEquals(0, describe.exit(), describe.err());
        String version = Json.tree(describe.out().getBytes(StandardCharsets.UTF_8)).path("version").asText();
        assertTrue(!version.isEmpty(), describe.out());

        CliRunner install = cli("package", "install", "hello-world", "--wait");
        assertEquals(0, install.exit(), install.out() + install.err());
        JsonNode p = find(state(), "hello-world", version);
        assertTrue(p != null, "hello-world listed: " + state());
        assertEquals("ALL", p.path("storage").asText());

        CliRunner un = cli("package", "uninstall", "hello-world@" + version, "--wait");
        assertEquals(0, un.exit(), un.out() + un.err());
        assertTrue(find(state(), "hello-world", version) == null, "not listed once uninstalled");

        // each queue change is in the event log, written with the change itself
        CliRunner events = cli("events", "--subject", "hello-world@" + version, "--json");
        assertEquals(0, events.exit(), events.err());
        java.util.List<String> types = new java.util.ArrayList<>();
        for (JsonNode e : Json.tree(events.out().getBytes(StandardCharsets.UTF_8)).path("events")) types.add(e.path("type").asText());
        assertEquals(java.util.List.of("package.queued", "package.processed", "package.queued", "package.processed"), types);
    }

    @Test
    void cliInstallOfABuiltArchive() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pkg"));
        Files.writeString(dir.resolve("package.yaml"), "name: hello\nversion: 1.0.0\ndescription: a tiny package\n");
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/run.sh"), "#!/bin/sh\necho hello\n");
        Path archive = tmp.resolve("hello-1.0.0.zip");
        CliRunner build = CliRunner.run("package", "build", dir.toString(), "-o", archive.toString());
        assertEquals(0, build.exit(), build.err());

        CliRunner add = cli("package", "add", archive.toString(), "--wait");
        assertEquals(0, add.exit(), add.out() + add.err());
        JsonNode p = find(state(), "hello", "1.0.0");
        assertTrue(p != null && p.path("storage").asText().equals("ALL"), String.valueOf(p));
        assertTrue(Files.exists(cluster.dataDir().resolve("storage/packages/hello/1.0.0/bin/run.sh")),
                "package files under packages/<name>/<version>/");
    }

    /** With --advertise-url, the stored resource.json points there (e.g. a load balancer in front of the controllers). */
    @Test
    void withAssetsAndAnAdvertisedUrlTheStoredResourcePointsThere() throws Exception {
        Path root = assetRepo("advertised");
        Path dir = tmp.resolve("advertised-controller");
        try (var zk = dev.cairn.storezk.EmbeddedZooKeeper.start(dir.resolve("zk"), 0);
             var store = dev.cairn.storezk.ZkCoordinationStore.connect(zk.connectString())) {
            ClusterPaths paths = new ClusterPaths(dir);
            var c = dev.cairn.controller.ControllerAssembly.assemble(dev.cairn.controller.ControllerConfig.defaults("c1", 0)
                    .withAdvertiseUrl("http://lb.example.com:7070"), store, paths.openStorage(), paths.shared()).controller().start();
            try {
                assertEquals(0, CliRunner.run("repo", "add", "assets", root.toUri().toString(), "--url", c.url()).exit());
                CliRunner install = CliRunner.run("package", "install", "advertised@1.0.0", "--with-assets", "--wait", "--url", c.url());
                assertEquals(0, install.exit(), install.out() + install.err());
                var http = java.net.http.HttpClient.newHttpClient();
                var resource = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(c.url() + "/api/v1/packages/advertised/1.0.0/files/resource.json")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                String assetUrl = Json.tree(resource.body()).path("assets").path("uris").path("app-jar").asText();
                assertEquals("http://lb.example.com:7070/api/v1/packages/advertised/1.0.0/files/assets%2Furis%2Fapp-jar", assetUrl);
            } finally {
                c.close();
            }
        }
    }

    static final byte[] ASSET = "pretend this is a jar".getBytes(StandardCharsets.UTF_8);

    /** A file:// Universe repository with one package NAME@1.0.0 whose resource.json has one asset, also a file. */
    static Path assetRepo(String name) throws java.io.IOException {
        Path root = tmp.resolve(name + "-repo");
        Path pkg = Files.createDirectories(root.resolve("repo/packages/" + Character.toUpperCase(name.charAt(0)) + "/" + name + "/0"));
        Path assetFile = Files.write(Files.createDirectories(root.resolve("assets")).resolve("app.jar"), ASSET);
        Files.writeString(pkg.resolve("package.json"), """
                {"packagingVersion": "3.0", "name": "%s", "version": "1.0.0", "maintainer": "ops@example.com",
                 "description": "a package with one asset", "tags": ["test"]}
                """.formatted(name));
        Files.writeString(pkg.resolve("resource.json"), """
                {"assets": {"uris": {"app-jar": "%s"}}}
                """.formatted(assetFile.toUri()));
        Files.createDirectories(root.resolve("repo/meta"));
        Files.writeString(root.resolve("repo/meta/index.json"), "{\"packages\":[{\"name\":\"" + name + "\",\"currentVersion\":\"1.0.0\","
                + "\"description\":\"a package with one asset\",\"tags\":[\"test\"],\"versions\":{\"1.0.0\":\"0\"}}]}");
        return root;
    }

    /**
     * An offline install: the asset is fetched into the cluster's storage and the stored
     * resource.json points at this controller's own copy, on the port it really listens on (the
     * cluster here runs with --port 0).
     */
    @Test
    void withAssetsTheStoredResourcePointsAtTheControllersCopy() throws Exception {
        Path root = assetRepo("assetful");
        CliRunner add = cli("repo", "add", "assets", root.toUri().toString());
        assertEquals(0, add.exit(), add.err());

        CliRunner install = cli("package", "install", "assetful@1.0.0", "--with-assets", "--wait");
        assertEquals(0, install.exit(), install.out() + install.err());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var resource = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/v1/packages/assetful/1.0.0/files/resource.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, resource.statusCode(), new String(resource.body(), StandardCharsets.UTF_8));
        String assetUrl = Json.tree(resource.body()).path("assets").path("uris").path("app-jar").asText();
        assertTrue(assetUrl.startsWith(url + "/api/v1/packages/assetful/1.0.0/files/"), assetUrl + " is served by " + url);
        var copy = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(assetUrl)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, copy.statusCode(), assetUrl);
        assertTrue(java.util.Arrays.equals(ASSET, copy.body()), "the cluster's copy has the asset's bytes");
    }

    @Test
    void badInputIsRefusedWithAHint() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.zip"), "this is not a zip");
        CliRunner r = cli("package", "add", junk.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("hint: "), r.err());
        CliRunner unknown = cli("package", "install", "nosuchpackage");
        assertTrue(unknown.exit() != 0, unknown.err());
        assertTrue(unknown.err().startsWith("error: "), unknown.err());
        CliRunner badRepo = cli("repo", "add", "Bad_Name", "file:///nonexistent");
        assertEquals(2, badRepo.exit(), badRepo.err());
    }
}
