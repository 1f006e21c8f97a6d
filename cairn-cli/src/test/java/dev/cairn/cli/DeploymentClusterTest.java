package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.agent.Agent;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deployments subsystem in one JVM: a controller on an in-memory store, three agents running
 * real service processes. Apply, change, logs, a node failure, a DPE killed by an injected fault,
 * and delete.
 */
class DeploymentClusterTest {
    @TempDir
    Path tmp;

    private InMemoryCoordinationStore store;
    private Controller controller;
    private DeploymentsSubsystem deployments;
    private final List<Agent> agents = new ArrayList<>();
    private final AtomicBoolean failNextRound = new AtomicBoolean();

    @BeforeEach
    void start() {
        store = new InMemoryCoordinationStore();
        controller = new Controller(new ControllerConfig("c1", "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        deployments = controller.install(new DeploymentsSubsystem(controller.context(), d -> {
            if (failNextRound.compareAndSet(true, false)) throw new IllegalStateException("injected fault");
        }));
        controller.start();
        for (int i = 1; i <= 3; i++) {
            agents.add(new Agent(controller.url(), "node-" + i, Map.of(), Duration.ofMillis(300), tmp.resolve("node-" + i)).start());
        }
    }

    @AfterEach
    void stop() {
        for (Agent a : agents) {
            a.services().stopAll();
            a.close();
        }
        controller.close();
        store.close();
    }

    /** What the controller recorded, "type subject: message". */
    List<String> events() {
        return LoggedEvents.lines(controller.events());
    }

    String run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        Main.configure(cl);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--url=" + controller.url());
        int code = cl.execute(all.toArray(String[]::new));
        assertEquals(0, code, "exit code of " + all + ": " + err);
        return out.toString();
    }

    JsonNode show(String name) {
        return Json.tree(run(new DeploymentCommand(), "show", name, "--json").getBytes());
    }

    Map<String, JsonNode> services(JsonNode view) {
        Map<String, JsonNode> m = new HashMap<>();
        for (JsonNode s : view.path("services")) m.put(s.path("id").asText(), s);
        return m;
    }

    JsonNode awaitShow(String name, Predicate<Map<String, JsonNode>> ok, String what) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            return Await.await(what, Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    last.set(show(name));
                } catch (AssertionError | CairnException e) {
                    return null; // not there yet
                }
                return last.get();
            }, v -> v != null && ok.test(services(v)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; last view: " + last.get() + "\nevents: " + events(), e);
        }
    }

    static boolean allRunning(Map<String, JsonNode> s, String... ids) {
        for (String id : ids) {
            JsonNode n = s.get(id);
            if (n == null || !n.path("state").asText().equals("running")) return false;
        }
        return true;
    }

    long pid(String node, String svc) {
        for (Agent a : agents) {
            if (!a.name().equals(node)) continue;
            for (var r : a.services().reports()) if (r.service().equals(svc) && r.state().equals("running")) return r.pid();
        }
        return -1;
    }

    @Test
    void applyChangeLogsNodeFailureDpeRestartAndDelete() throws Exception {
        Path file = tmp.resolve("web.yaml");
        Files.writeString(file, """
                name: web
                services:
                  hello:
                    command: ["/bin/sh", "-c", "echo hello from $CAIRN_SERVICE; exec sleep 100000"]
                    monitor: {interval: 1s, timeout: 2s}
                  api:
                    command: ["/bin/sh", "-c", "exec sleep 100001"]
                constraints: []
                """);
        assertTrue(run(new DeploymentCommand(), "apply", file.toString()).contains("deployment web created (2 services)"));
        JsonNode v = awaitShow("web", s -> allRunning(s, "hello", "api"), "both services running");
        Map<String, JsonNode> s1 = services(v);
        String helloNode = s1.get("hello").path("node").asText();
        long helloPid = pid(helloNode, "hello");
        long apiPid = pid(s1.get("api").path("node").asText(), "api");
        assertTrue(helloPid > 0 && apiPid > 0);
        assertTrue(ProcessHandle.of(helloPid).isPresent());
        assertTrue(run(new DeploymentCommand(), "list").contains("web"));

        // logs come from the agent that runs the service (every attempt must succeed; the line may take a moment)
        String logs = Await.await("hello's output in its logs", Duration.ofSeconds(10)).ignoreNoExceptions().pollInterval(Duration.ofMillis(100))
                .until(() -> run(new ServiceCommand(), "logs", "web", "hello"), l -> l.contains("hello from hello"));
        assertTrue(logs.contains("hello from hello"), logs);

        // a changed file: one service added; what did not change keeps running untouched
        Files.writeString(file, Files.readString(file).replace("constraints: []", """
                  extra:
                    command: ["/bin/sh", "-c", "exec sleep 100002"]
                constraints: []"""));
        assertTrue(run(new DeploymentCommand(), "apply", file.toString()).contains("updated"));
        v = awaitShow("web", s -> allRunning(s, "hello", "api", "extra"), "the added service running");
        assertEquals(helloPid, pid(services(v).get("hello").path("node").asText(), "hello"), "hello was not restarted");
        assertEquals(apiPid, pid(services(v).get("api").path("node").asText(), "api"), "api was not restarted");

        // the node running hello dies: its agent stops and its processes are killed
        Agent victim = agents.stream().filter(a -> a.name().equals(helloNode)).findFirst().orElseThrow();
        victim.close();
        for (var r : victim.services().reports()) {
            if (r.pid() > 0) ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        v = awaitShow("web", s -> allRunning(s, "hello", "api", "extra") && !s.get("hello").path("node").asText().equals(helloNode),
                "hello running on another node");
        assertNotEquals(helloNode, services(v).get("hello").path("node").asText());
        assertTrue(events().stream().anyMatch(e -> e.startsWith("node.down " + helloNode)), events().toString());

        // kill the DPE: the CPE restarts it and it carries on with the next change
        failNextRound.set(true);
        // the CPE counts the restart, then records its event: wait for both
        Await.until("the DPE to be restarted, with its event", Duration.ofSeconds(20), () -> deployments.cpe().restarts("web") > 0
                && events().stream().anyMatch(e -> e.startsWith("deployment.dpe.restarted web")));
        assertEquals(1, deployments.cpe().restarts("web"));
        Files.writeString(file, Files.readString(file).replace("""
                  extra:
                    command: ["/bin/sh", "-c", "exec sleep 100002"]
                """, ""));
        run(new DeploymentCommand(), "apply", file.toString());
        awaitShow("web", s -> !s.containsKey("extra") && allRunning(s, "hello", "api"), "the restarted DPE to remove 'extra'");

        // delete: every service stops, then the deployment is gone
        long apiPid2 = pid(services(show("web")).get("api").path("node").asText(), "api");
        assertTrue(run(new DeploymentCommand(), "delete", "web", "--wait").contains("deleted"));
        Await.until("api's process to end", Duration.ofSeconds(10), () -> !ProcessHandle.of(apiPid2).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(!run(new DeploymentCommand(), "list").contains("web"));
    }
}
