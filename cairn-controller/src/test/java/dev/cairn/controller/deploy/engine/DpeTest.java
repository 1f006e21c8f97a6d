package dev.cairn.controller.deploy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.ZkWithLog;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.nodes.PhiAccrualDetector;
import dev.cairn.controller.work.WorkQueue;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.testkit.Await;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A DPE's round on ZooKeeper: each queued action and each failed result taken is written with its event. */
class DpeTest {
    private ZkWithLog zk;
    private StoreEventLog log;
    private CoordinationStore store;
    private DeploymentStore deployments;

    @BeforeEach
    void start() throws Exception {
        zk = new ZkWithLog();
        log = zk.log;
        store = zk.store;
        deployments = new DeploymentStore(store, log);
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    private List<Event> all(String type) {
        return zk.events(type);
    }

    @Test
    void eachQueuedActionAndEachTakenResultHasItsEvent() throws Exception {
        PhiAccrualDetector detector = new PhiAccrualDetector(Duration.ofSeconds(30), Duration.ofMillis(500));
        ManualScheduler time = new ManualScheduler(Instant.now());
        NodeRegistry nodes = new NodeRegistry(store, Clock.systemUTC(), time, detector);
        for (String n : List.of("n1", "n2")) nodes.register(n, Map.of()); // registering is the first heartbeat
        deployments.apply(DeploymentReader.read("name: web\nservices:\n" + "  a: {command: [\"/bin/sleep\", \"100\"]}\n"
                + "  b: {command: [\"/bin/sleep\", \"100\"]}\n" + "  c: {command: [\"/bin/sleep\", \"100\"]}\n", false, null));
        WorkQueue queue = new WorkQueue(store, Clock.systemUTC());
        try (DeployCache cache = new DeployCache(deployments, nodes, queue, d -> { })) {
            Await.until("the cache to see the deployment and both nodes", Duration.ofSeconds(30),
                    () -> cache.spec("web") != null && cache.nodes().size() == 2);
            Dpe dpe = new Dpe("web", 1, cache, deployments, queue, n -> detector.up(n, Instant.now()), log, Clock.systemUTC(), time,
                    DpeFaults.NONE, new DpeStats(), null);
            assertTrue(dpe.round());
            List<Event> sent = all("deployment.action.sent");
            int queued = 0;
            for (String n : List.of("n1", "n2")) queued += queue.pending(n).size();
            assertEquals(3, queued);
            assertEquals(3, sent.size(), sent.toString());
            for (Event e : sent) {
                String node = e.data().path("node").asText();
                String svc = e.subject().substring("web/".length());
                assertTrue(queue.pending(node).stream().anyMatch(w -> w.kind().equals("service.start")
                        && w.payload().path("service").asText().equals(svc)), "no queued start for " + e);
            }
            // the agent answers: one start failed, the others worked; the DPE takes the results
            for (String n : List.of("n1", "n2")) {
                for (var w : queue.pending(n)) {
                    boolean fail = w.payload().path("service").asText().equals("b");
                    queue.complete(n, w.id(), Json.MAPPER.readTree(fail ? "{\"ok\":false,\"error\":\"no such file\"}" : "{\"ok\":true}"));
                }
            }
            Await.until("the cache to see the three results", Duration.ofSeconds(30), () -> cache.results("web").size() == 3);
            dpe.round();
            List<Event> failed = all("deployment.action.failed");
            assertEquals(1, failed.size(), failed.toString());
            assertEquals("web/b", failed.get(0).subject());
            for (String n : List.of("n1", "n2")) assertEquals(List.of(), queue.results(n), "results taken");
        }
    }
}
