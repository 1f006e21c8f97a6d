package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.agent.Agent;
import dev.cairn.agent.service.LogFiles;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.agent.states.StateServices;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.ApiClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import dev.cairn.testkit.Await;
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
        Await.until("2 nodes up", Duration.ofSeconds(20), () -> ProcessClusterTest.upNodes(cluster.url()) == 2);
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

    static boolean up(String node) {
        for (JsonNode n : api.get("/api/v1/nodes").path("nodes")) {
            if (n.path("name").asText().equals(node)) return n.path("state").asText().equals("up");
        }
        return false;
    }

    /** Applies {@code sls} to {@code target} and waits; the run as {@code state show --json} prints it. */
    static JsonNode applyAndWait(Path sls, String target) {
        StringWriter text = new StringWriter();
        int exit = StateRunCommands.apply(api, sls.toString(), target, "ansible", false, true, true, new PrintWriter(text));
        assertEquals(0, exit, text.toString());
        return dev.cairn.core.Json.tree(text.toString().getBytes());
    }

    @Test
    void aServiceAStateRunStartsIsSupervisedByTheAgentAndAdoptedAfterTheAgentRestarts() throws Exception {
        Path data = tmp.resolve("svc-agent");
        Path running = Files.writeString(tmp.resolve("svc.sls"), "web:\n  service.running:\n    - command: echo serving; exec sleep 1000\n");
        Agent agent = new Agent(cluster.url(), "svc-1", Map.of("role", "svc"), Duration.ofMillis(300), data).start();
        Agent again = null;
        try {
            Await.until("svc-1 up", Duration.ofSeconds(20), () -> up("svc-1"));
            JsonNode run = applyAndWait(running, "role=svc");
            JsonNode state = run.path("nodes").get(0).path("states").get(0);
            ServiceReport first = agent.services().report(StateServices.DEPLOYMENT, "web").orElseThrow();
            assertEquals("running", first.state());
            assertEquals("Started service web (pid " + first.pid() + ")", state.path("comment").asText(), state.toString());
            Path log = LogFiles.current(agent.services().serviceDir(StateServices.DEPLOYMENT, "web"));
            Await.until("its output in the service log", Duration.ofSeconds(20), () -> Files.readString(log).contains("serving"));
            // the agent reports it with its other services: the controller records it
            Await.until("the controller to record the service", Duration.ofSeconds(20), () ->
                    api.get("/api/v1/events?subject=" + StateServices.DEPLOYMENT + "%2Fweb&limit=10").path("events").findValuesAsText("type")
                            .contains("service.started"));

            // killed: the agent's supervisor restarts it
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
            Await.until("the service restarted", Duration.ofSeconds(20), () -> agent.services().report(StateServices.DEPLOYMENT, "web")
                    .filter(r -> r.state().equals("running") && r.pid() != first.pid()).isPresent());
            long second = agent.services().report(StateServices.DEPLOYMENT, "web").orElseThrow().pid();

            // the agent restarts: the new one adopts the service, and applying the state again starts nothing
            agent.close();
            again = new Agent(cluster.url(), "svc-1", Map.of("role", "svc"), Duration.ofMillis(300), data).start();
            ServiceReport adopted = again.services().report(StateServices.DEPLOYMENT, "web").orElseThrow();
            assertTrue(adopted.adopted());
            assertEquals(second, adopted.pid());
            Await.until("svc-1 up again", Duration.ofSeconds(20), () -> up("svc-1"));
            JsonNode rerun = applyAndWait(running, "role=svc");
            assertEquals("The service web is already running", rerun.path("nodes").get(0).path("states").get(0).path("comment").asText());
            assertEquals(second, again.services().report(StateServices.DEPLOYMENT, "web").orElseThrow().pid(), "not started twice");
            assertEquals(2, Files.readString(log).split("serving", -1).length - 1, "started twice in all: once, and once after it was killed");

            Path dead = Files.writeString(tmp.resolve("svc-dead.sls"), "web:\n  service.dead:\n    - command: echo serving; exec sleep 1000\n");
            JsonNode killed = applyAndWait(dead, "role=svc");
            assertEquals("Service web was killed", killed.path("nodes").get(0).path("states").get(0).path("comment").asText());
            assertEquals("stopped", again.services().report(StateServices.DEPLOYMENT, "web").map(ServiceReport::state).orElse("stopped"),
                    "stopped (a service that never failed under this agent is forgotten once stopped)");
            Await.until("the process gone", Duration.ofSeconds(20), () -> ProcessHandle.of(second).map(h -> !h.isAlive()).orElse(true));
        } finally {
            agent.close();
            if (again != null) {
                again.services().stopAll();
                again.close();
            }
        }
    }

    @Test
    void aNodeThatGoesDownMidRunIsReportedLost() throws Exception {
        try (Agent extra = new Agent(cluster.url(), "flaky-1", java.util.Map.of("role", "flaky"), Duration.ofMillis(300), tmp.resolve("flaky"))) {
            extra.start();
            Await.until("flaky node up", Duration.ofSeconds(20), () -> up("flaky-1"));
            Path sls = Files.writeString(tmp.resolve("slow.sls"), "slow:\n  cmd.run:\n    - name: sleep 20\n");
            StringWriter text = new StringWriter();
            int exit = StateRunCommands.apply(api, sls.toString(), "role=flaky", "ansible", false, false, true, new PrintWriter(text));
            assertEquals(0, exit);
            String id = dev.cairn.core.Json.tree(text.toString().getBytes()).path("id").asText();
            try {
                Await.until("the run to start", Duration.ofSeconds(45),
                        () -> api.get("/api/v1/state-runs/" + id).path("nodes").get(0).path("status").asText().equals("running"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + ": " + api.get("/api/v1/state-runs/" + id) + " work: " + api.get("/api/v1/nodes/flaky-1/work?wait=0s"));
            }
            extra.close(); // the node stops heartbeating: it goes down mid-run
            Await.until("the run to be reported, not waited for", Duration.ofSeconds(30),
                    () -> api.get("/api/v1/state-runs/" + id).path("status").asText().equals("failed"));
            JsonNode n = api.get("/api/v1/state-runs/" + id).path("nodes").get(0);
            assertEquals("lost", n.path("status").asText(), n.toString());
        }
    }
}
