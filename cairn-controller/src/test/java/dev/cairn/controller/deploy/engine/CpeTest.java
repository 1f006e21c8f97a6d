package dev.cairn.controller.deploy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.deploy.DeploymentsSubsystem;
import dev.cairn.controller.deploy.ObservedService;
import dev.cairn.controller.deploy.ObservedState;
import dev.cairn.controller.deploy.ServiceState;
import dev.cairn.controller.deploy.ServiceView;
import dev.cairn.controller.work.WorkItem;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.core.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CPE and its DPEs on a hand-driven clock: a controller on the in-memory store whose loops
 * (liveness ticks, DPE rounds, restarts) run only when {@link ManualScheduler#advance} reaches
 * their time, on the test's thread. Three simulated agents heartbeat every 500 ms (straight into
 * the failure detector), take their work and report their services. Nothing sleeps.
 */
class CpeTest {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final Duration STEP = Duration.ofMillis(100);
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final String WEB = "name: web\nservices:\n  a: {command: [\"/bin/sleep\", \"100\"]}\n";

    final ManualScheduler time = new ManualScheduler(T0);
    final AtomicInteger faults = new AtomicInteger();
    InMemoryCoordinationStore store;
    Controller controller;
    DeploymentsSubsystem deployments;
    /** Nodes whose agents run: they heartbeat, take their work and report. */
    final Set<String> alive = new HashSet<>();
    /** What each node's agent runs, service → copy. */
    final Map<String, Map<String, ObservedService>> services = new TreeMap<>();
    int pids = 1000;

    @BeforeEach
    void start() {
        store = new InMemoryCoordinationStore();
        controller = new Controller(new ControllerConfig("c1", "127.0.0.1", 0, Duration.ofSeconds(2)), store, time.clock(), time);
        deployments = controller.install(new DeploymentsSubsystem(controller.context(), d -> {
            if (faults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IllegalStateException("injected fault");
        }));
        controller.start();
        for (String n : List.of("n1", "n2", "n3")) {
            controller.nodes().register(n, Map.of()); // the first heartbeat
            alive.add(n);
        }
    }

    @AfterEach
    void stop() {
        controller.close();
        store.close();
    }

    /** Runs the cluster for {@code d}: heartbeats of the live nodes, their agents' work, and every loop due. */
    void run(Duration d) {
        Instant end = time.now().plus(d);
        while (time.now().isBefore(end)) {
            long ms = Duration.between(T0, time.now()).toMillis();
            if (ms % HEARTBEAT.toMillis() == 0) {
                for (String n : alive) controller.nodesSubsystem().detector().heartbeat(n, time.now());
            }
            for (String n : alive) agent(n);
            time.advance(STEP);
        }
    }

    /** One poll of {@code node}'s agent: runs its queued starts and stops, answers them, reports its services. */
    void agent(String node) {
        WorkQueue queue = controller.work().queue();
        Map<String, ObservedService> mine = services.computeIfAbsent(node, k -> new LinkedHashMap<>());
        for (WorkItem w : queue.pending(node)) {
            JsonNode p = w.payload();
            String svc = p.path("service").asText();
            switch (w.kind()) {
                case "service.start" -> mine.put(svc, new ObservedService(p.path("deployment").asText(), svc, p.path("spec").path("hash").asText(),
                        ObservedState.RUNNING, pids++, time.now(), 0, false, null));
                case "service.stop" -> mine.remove(svc);
                default -> { }
            }
            queue.complete(node, w.id(), Json.MAPPER.createObjectNode().put("ok", true));
        }
        deployments.store().report(node, new DeploymentStore.NodeReport(new ArrayList<>(mine.values())));
    }

    void apply(String yaml) {
        deployments.store().apply(DeploymentReader.read(yaml, false, null));
    }

    ServiceView service(String deployment, String id) {
        return deployments.store().view(deployment).orElseThrow().services().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    List<Event> events(String type) {
        return controller.events().after(EventFilter.type(type), 0, 1000).events();
    }

    @Test
    void aDeadDpeIsRestartedAfterABackoffThatDoublesAndResetsOnceItRanLong() {
        faults.set(3); // the first three rounds throw
        apply(WEB);
        time.runDue();
        assertEquals(1, deployments.cpe().restarts("web"));
        time.advance(Cpe.MIN_BACKOFF.minusMillis(1));
        assertEquals(1, deployments.cpe().restarts("web"), "not restarted before its backoff");
        time.advance(Duration.ofMillis(1)); // the second DPE starts and dies at once
        assertEquals(2, deployments.cpe().restarts("web"));
        time.advance(Duration.ofMillis(199));
        assertEquals(2, deployments.cpe().restarts("web"), "the second backoff is twice the first");
        time.advance(Duration.ofMillis(1));
        assertEquals(3, deployments.cpe().restarts("web"));
        assertEquals(List.of(), events("deployment.action.sent"), "no DPE got as far as sending work");
        time.advance(Duration.ofMillis(400)); // the fourth DPE runs
        run(Duration.ofSeconds(2));
        assertEquals(ServiceState.RUNNING, service("web", "a").state());
        assertEquals(3, deployments.cpe().restarts("web"));
        List<String> restarted = events("deployment.dpe.restarted").stream().map(Event::message).toList();
        assertEquals(3, restarted.size(), restarted.toString());
        assertTrue(restarted.get(0).endsWith("restarting it in 100 ms (restart 1)"), restarted.get(0));
        assertTrue(restarted.get(1).endsWith("restarting it in 200 ms (restart 2)"), restarted.get(1));
        assertTrue(restarted.get(2).endsWith("restarting it in 400 ms (restart 3)"), restarted.get(2));
        assertTrue(restarted.get(0).contains("injected fault"), restarted.get(0));

        // a DPE that ran longer than BACKOFF_RESET and dies is restarted after the shortest backoff again
        run(Cpe.BACKOFF_RESET.plusSeconds(1));
        faults.set(1); // the next periodic round throws
        run(Dpe.PERIOD);
        assertEquals(4, deployments.cpe().restarts("web"));
        String last = events("deployment.dpe.restarted").get(3).message();
        assertTrue(last.endsWith("restarting it in 100 ms (restart 4)"), last);
        run(Duration.ofSeconds(1));
        assertEquals(1, events("deployment.action.sent").size(), "the restarted DPEs found the service running and left it: "
                + events("deployment.action.sent"));
    }

    @Test
    void aNodeThatStopsHeartbeatingIsMarkedDownAndItsServiceMoves() {
        apply(WEB);
        run(Duration.ofSeconds(3));
        ServiceView before = service("web", "a");
        assertEquals(ServiceState.RUNNING, before.state());
        String lost = before.node();

        alive.remove(lost); // the node dies: no more heartbeats, reports or work taken
        run(Duration.ofSeconds(4));
        assertEquals(List.of("node.down " + lost), events("node").stream().map(e -> e.type() + " " + e.subject()).toList());
        ServiceView after = service("web", "a");
        assertEquals(ServiceState.RUNNING, after.state());
        assertNotEquals(lost, after.node());
        List<Event> sent = events("deployment.action.sent");
        assertEquals(2, sent.size(), "one start, then one on the node it moved to: " + sent);
        assertEquals("start on " + after.node(), sent.get(1).message());
    }

    @Test
    void aPauseShorterThanTheTimeoutMovesNothing() {
        apply(WEB);
        run(Duration.ofMillis(3100)); // the last heartbeat was at 3 s
        ServiceView before = service("web", "a");
        assertEquals(ServiceState.RUNNING, before.state());
        String paused = before.node();

        // its agent freezes for 1.4 s (no heartbeats, no work taken, no reports): the heartbeats of
        // 3.5 s and 4 s are missed, and the next comes at 4.5 s, 1.5 s after the last one, within
        // the 2 s timeout; then it carries on as if nothing happened
        alive.remove(paused);
        run(Duration.ofMillis(1400));
        alive.add(paused);
        // The clock is the scheduler's: every liveness tick and every DPE round due in the pause and
        // in the 5 s after it ran, on this thread, before run() returned. A node judged down, or a
        // service moved, in that time would be in the log now.
        run(Duration.ofSeconds(5));
        assertEquals(List.of(), events("node"), "no node judged down or up");
        assertEquals(1, events("deployment.action.sent").size(), "only the first start was ever sent");
        assertEquals(List.of(), events("deployment.action.cancelled"));
        assertEquals(before, service("web", "a"), "still running where it was, since the same time");
    }
}
