package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.core.Json;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn deployment apply} reads the file with the same reader as {@code cairn policy simulate}:
 * a misspelt field is one error line naming it and its line, the simulation-only sections are
 * refused with a hint, and the fields docs/policy.md documents (enabled, on-fail, inf scores) are accepted.
 */
class DeploymentApplyInputTest {
    @TempDir
    Path tmp;

    private InMemoryCoordinationStore store;
    private Controller controller;

    @BeforeEach
    void start() {
        store = new InMemoryCoordinationStore();
        controller = new Controller(new ControllerConfig("c1", "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        controller.install(new DeploymentsSubsystem(controller.context()));
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.close();
        store.close();
    }

    CliRunner apply(String yaml) throws IOException {
        Path f = Files.writeString(tmp.resolve("web.yaml"), yaml);
        return CliRunner.run("deployment", "apply", f.toString(), "--url", controller.url());
    }

    static void assertOneLineError(CliRunner r, String... parts) {
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String p : parts) assertTrue(r.err().contains(p), "'" + p + "' in: " + r.err());
        assertEquals(2, r.err().strip().lines().count(), "an error line and a hint line: " + r.err());
        assertTrue(r.err().contains("\nhint: "), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aMisspeltFieldIsAnErrorWithItsLine() throws IOException {
        assertOneLineError(apply("""
                name: web
                services:
                  db:
                    comand: ["/bin/db"]
                """), "error: line 4: service 'db': unknown field 'comand'");
        assertOneLineError(apply("""
                name: web
                services:
                  db: {command: ["/bin/db"]}
                constraints:
                  - {location: db, node: node-1, scroe: 10}
                """), "error: line 5: constraint 1 (location): unknown field 'scroe'");
    }

    @Test
    void theClusterSectionsAreRefusedWithAHint() throws IOException {
        assertOneLineError(apply("""
                name: web
                nodes: {node-1: {}}
                services:
                  db: {command: ["/bin/db"]}
                """), "error: line 2: 'nodes' describes a cluster for 'cairn policy simulate'", "hint: remove 'nodes' and 'running'");
    }

    @Test
    void enabledOnFailAndInfinityScoresAreApplied() throws IOException {
        CliRunner r = apply("""
                name: web
                services:
                  db: {command: ["/bin/sh", "-c", "exec sleep 100000"], on-fail: restart}
                  app: {command: ["/bin/sh", "-c", "exec sleep 100000"], enabled: false}
                constraints:
                  - {colocation: app, with: db, score: inf}
                  - {order: db, then: app, first-action: start, then-action: start}
                """);
        assertEquals(0, r.exit(), r.err());
        assertEquals("deployment web created (2 services)\n", r.out());
        // no node is up: db waits, app is stopped as enabled: false asks
        JsonNode view = Await.value("the view of web", Duration.ofSeconds(10), () -> {
            CliRunner show = CliRunner.run("deployment", "show", "web", "--json", "--url", controller.url());
            JsonNode v = Json.tree(show.out().getBytes());
            return v.path("services").path(1).path("state").asText().equals("stopped") ? v : null;
        });
        assertEquals("db", view.path("services").path(0).path("id").asText());
        assertEquals("pending", view.path("services").path(0).path("state").asText());
        assertEquals("app", view.path("services").path(1).path("id").asText());
    }
}
