package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.agent.Agent;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeployEvents;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.controller.deploy.DpeFaults;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.store.InMemoryCoordinationStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader failover and agent restarts keep services running: the new leader's CPE rebuilds the DPE
 * from the store and adopts what runs; a restarted agent finds its services from the pid files
 * and keeps them; neither restarts anything. Work from the deposed leader's epoch is refused.
 */
class DeploymentFailoverTest {
    @TempDir
    Path tmp;

    private final InMemoryCoordinationStore store = new InMemoryCoordinationStore();
    private final List<Controller> controllers = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        for (Agent a : agents) {
            a.services().stopAll();
            a.close();
        }
        for (Controller c : controllers) c.close();
        store.close();
    }

    Controller controller(String id) {
        Controller c = new Controller(new ControllerConfig(id, "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        c.install(new DeploymentsSubsystem(c.context(), DeployEvents.logging().and((t, s, m, d) -> events.add(id + " " + t + " " + s + ": " + m)), DpeFaults.NONE));
        controllers.add(c.start());
        return c;
    }

    Agent agent(String url, String name) {
        Agent a = new Agent(url, name, Map.of(), Duration.ofMillis(300), tmp.resolve(name)).start();
        agents.add(a);
        return a;
    }

    /** service -> pid of every running copy, from the agents themselves. */
    Map<String, List<Long>> pids() {
        Map<String, List<Long>> m = new HashMap<>();
        for (Agent a : agents) {
            for (ServiceReport r : a.services().reports()) {
                if (r.state().equals("running")) m.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(r.pid());
            }
        }
        return m;
    }

    static JsonNode await(String url, Predicate<JsonNode> ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = new ApiClient(url, Duration.ofSeconds(5)).get("/api/v1/deployments/web");
                if (ok.test(last)) return last;
            } catch (CairnException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last " + last);
    }

    static boolean allRunning(JsonNode v, int n) {
        int running = 0;
        for (JsonNode s : v.path("services")) if (s.path("state").asText().equals("running")) running++;
        return running == n && v.path("services").size() == n;
    }

    static String yaml(int services) {
        StringBuilder y = new StringBuilder("name: web\nservices:\n");
        for (int i = 1; i <= services; i++) y.append("  s").append(i).append(":\n    command: [\"/bin/sh\", \"-c\", \"exec sleep 10000").append(i).append("\"]\n");
        return y.toString();
    }

    @Test
    void aNewLeaderAndARestartedAgentAdoptWhatRunsWithoutRestartingIt() throws Exception {
        Controller first = controller("c1");
        Controller second = controller("c2");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!first.isLeader() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(first.isLeader());
        long oldEpoch = first.epoch();
        String url = second.url(); // agents and the CLI talk to the controller that survives
        for (int i = 1; i <= 3; i++) agent(url, "node-" + i);
        new ApiClient(url).post("/api/v1/deployments", Map.of("format", "yaml", "content", yaml(4)));
        await(url, v -> allRunning(v, 4), "4 services running");
        Map<String, List<Long>> before = pids();

        first.close(); // the leader goes away; c2 takes over and rebuilds the DPE from the store
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!second.isLeader() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(second.isLeader());
        deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            assertEquals(before, pids(), "nothing restarted after the failover");
            Thread.sleep(200);
        }
        assertTrue(events.stream().noneMatch(e -> e.startsWith("c2 deployment.action.sent")), events.toString());

        // the new leader carries on: a fifth service starts, the four keep their processes
        new ApiClient(url).post("/api/v1/deployments", Map.of("format", "yaml", "content", yaml(5)));
        await(url, v -> allRunning(v, 5), "5 services running under the new leader");
        for (var e : before.entrySet()) assertEquals(e.getValue(), pids().get(e.getKey()), e.getKey() + " kept its process");

        // work from the deposed leader's epoch is refused by the agents
        Agent any = agents.get(0);
        new dev.cairn.controller.work.WorkQueue(store, Clock.systemUTC()).submit(any.name(), "service.stop", oldEpoch,
                Map.of("deployment", "web", "service", "s1"));
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.children(dev.cairn.core.store.StorePath.of("work").child(any.name())).size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        assertTrue(any.work().epochs().highest() > oldEpoch);
        for (var e : before.entrySet()) assertEquals(e.getValue(), pids().get(e.getKey()), "stale work stopped nothing");

        // an agent restarts (its services keep running): the new agent finds and keeps them
        Agent victim = agents.stream().filter(a -> a.services().reports().stream().anyMatch(r -> r.state().equals("running")))
                .findFirst().orElseThrow();
        List<ServiceReport> running = victim.services().reports();
        victim.close();
        agents.remove(victim);
        Agent again = agent(url, victim.name());
        for (ServiceReport r : running) {
            assertTrue(again.services().reports().stream().anyMatch(x -> x.pid() == r.pid() && x.adopted()), "adopted " + r);
        }
        Map<String, List<Long>> now = pids();
        await(url, v -> allRunning(v, 5), "all five still running");
        assertEquals(now, pids(), "the restarted agent's services were adopted, not restarted");
    }
}
