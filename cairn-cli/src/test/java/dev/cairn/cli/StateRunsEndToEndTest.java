package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.agent.Agent;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.ApiClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster state runs on a real embedded cluster: compile once, run on targeted agents, report per state. */
class StateRunsEndToEndTest {
    @TempDir
    static Path tmp;

    static EmbeddedCluster cluster;
    static ApiClient api;

    @BeforeAll
    static void up() throws Exception {
        cluster = EmbeddedCluster.start(tmp.resolve("data"), 0, 2);
        api = new ApiClient(cluster.url());
        CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 2, Duration.ofSeconds(20), "2 nodes up");
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    @Test
    void runsOnEveryTargetedNodeAndReportsEachState() throws Exception {
        Path out = tmp.resolve("out");
        Path sls = Files.writeString(tmp.resolve("site.sls"), """
                greet:
                  cmd.run:
                    - name: echo hello-from-cairn
                marker:
                  file.managed:
                    - name: %s/{{ states.greet.stdout }}.txt
                    - contents: written by a cluster run
                    - makedirs: true
                """.formatted(out));
        StringWriter text = new StringWriter();
        int exit = StateRunCommands.apply(api, sls.toString(), "node-*", "ansible", false, true, true, new PrintWriter(text));
        assertEquals(0, exit, text.toString());
        JsonNode run = dev.cairn.core.Json.tree(text.toString().getBytes());
        assertEquals("succeeded", run.path("status").asText());
        assertEquals(2, run.path("nodes").size());
        for (JsonNode n : run.path("nodes")) {
            assertEquals("succeeded", n.path("status").asText(), n.toString());
            assertEquals(2, n.path("states").size(), n.toString());
            assertEquals("greet", n.path("states").get(0).path("id").asText());
            assertEquals("cmd.run", n.path("states").get(0).path("function").asText());
        }
        assertTrue(Files.readString(out.resolve("hello-from-cairn.txt")).contains("written by a cluster run"));
        JsonNode runs = api.get("/api/v1/state-runs").path("runs");
        assertTrue(runs.size() >= 1);
    }

    @Test
    void compileErrorsRejectTheRunBeforeAnythingIsSent() throws Exception {
        Path sls = Files.writeString(tmp.resolve("bad.sls"), """
                a:
                  cmd.run:
                    - name: touch %s
                    - require:
                      - cmd: missing
                """.formatted(tmp.resolve("must-not-exist")));
        int before = api.get("/api/v1/state-runs").path("runs").size();
        CairnException e = assertThrows(CairnException.class,
                () -> StateRunCommands.apply(api, sls.toString(), "node-*", "ansible", false, true, false, new PrintWriter(new StringWriter())));
        assertEquals(ErrorCode.COMPILE_ERROR, e.code());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertEquals(before, api.get("/api/v1/state-runs").path("runs").size(), "no run stored");
        assertTrue(Files.notExists(tmp.resolve("must-not-exist")));
    }

    @Test
    void unknownTargetIsAClearError() {
        CairnException e = assertThrows(CairnException.class, () -> StateRunCommands.apply(api,
                Files.writeString(tmp.resolve("t.sls"), "x:\n  test.nop: []\n").toString(), "nomatch-*", "ansible", false, false, false,
                new PrintWriter(new StringWriter())));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void aNodeThatGoesDownMidRunIsReportedLost() throws Exception {
        try (Agent extra = new Agent(cluster.url(), "flaky-1", java.util.Map.of("role", "flaky"), Duration.ofMillis(300), tmp.resolve("flaky"))) {
            extra.start();
            CairnProcesses.await(() -> ProcessClusterTest.upNodes(cluster.url()) == 3, Duration.ofSeconds(20), "flaky node up");
            Path sls = Files.writeString(tmp.resolve("slow.sls"), "slow:\n  cmd.run:\n    - name: sleep 20\n");
            StringWriter text = new StringWriter();
            int exit = StateRunCommands.apply(api, sls.toString(), "role=flaky", "ansible", false, false, true, new PrintWriter(text));
            assertEquals(0, exit);
            String id = dev.cairn.core.Json.tree(text.toString().getBytes()).path("id").asText();
            try {
                CairnProcesses.await(() -> api.get("/api/v1/state-runs/" + id).path("nodes").get(0).path("status").asText().equals("running"),
                        Duration.ofSeconds(45), "the run to start");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + api.get("/api/v1/state-runs/" + id) + " work: " + api.get("/api/v1/nodes/flaky-1/work?wait=0s"));
            }
            extra.close(); // the node stops heartbeating: it goes down mid-run
            CairnProcesses.await(() -> api.get("/api/v1/state-runs/" + id).path("status").asText().equals("failed"),
                    Duration.ofSeconds(30), "the run to be reported, not waited for");
            JsonNode n = api.get("/api/v1/state-runs/" + id).path("nodes").get(0);
            assertEquals("lost", n.path("status").asText(), n.toString());
        }
    }
}
