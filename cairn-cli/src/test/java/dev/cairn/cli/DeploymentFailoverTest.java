package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.agent.Agent;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.CairnException;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
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
        c.install(new DeploymentsSubsystem(c.context()));
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

    static JsonNode await(String url, Predicate<JsonNode> ok, String what) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            return Await.await(what, Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    last.set(new ApiClient(url, Duration.ofSeconds(5)).get("/api/v1/deployments/web"));
                } catch (CairnException e) {
                    return null; // not yet
                }
                return last.get();
            }, v -> v != null && ok.test(v));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; last " + last.get(), e);
        }
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
        Await.until("c1 to lead", Duration.ofSeconds(10), first::isLeader);
        long oldEpoch = first.epoch();
        String url = second.url(); // agents and the CLI talk to the controller that survives
        for (int i = 1; i <= 3; i++) agent(url, "node-" + i);
        new ApiClient(url).post("/api/v1/deployments", Map.of("format", "yaml", "content", yaml(4)));
        await(url, v -> allRunning(v, 4), "4 services running");
        Map<String, List<Long>> before = pids();

        first.close(); // the leader goes away; c2 takes over and rebuilds the DPE from the store
        long closedAt = second.events().headSeq(); // c1 records nothing after this: what follows is c2's
        Await.until("c2 to lead", Duration.ofSeconds(10), second::isLeader);
        // c2's DPE runs its first round as soon as c2 leads and then every 2 s: 3 s watched see its
        // first round and at least one more, each of which would have restarted a service it did not adopt
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(before, pids(), "nothing restarted after the failover");
            Thread.sleep(200);
        }
        List<String> sinceFailover = LoggedEvents.lines(second.events(), closedAt);
        assertTrue(sinceFailover.stream().noneMatch(e -> e.startsWith("deployment.action.sent")), sinceFailover.toString());

        // the new leader carries on: a fifth service starts, the four keep their processes
        new ApiClient(url).post("/api/v1/deployments", Map.of("format", "yaml", "content", yaml(5)));
        await(url, v -> allRunning(v, 5), "5 services running under the new leader");
        for (var e : before.entrySet()) assertEquals(e.getValue(), pids().get(e.getKey()), e.getKey() + " kept its process");

        // work from the deposed leader's epoch is refused by the agents
        Agent any = agents.get(0);
        WorkQueue queue = second.work().queue();
        queue.submit(any.name(), "service.stop", oldEpoch, Map.of("deployment", "web", "service", "s1"));
        Await.until("the agent to answer the stale work", Duration.ofSeconds(10), () -> queue.pending(any.name()).isEmpty());
        // had the agent run the stop, the service would have been stopped before it answered, and gone from pids() below
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
