package dev.cairn.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.api.ApiClient;
import dev.cairn.storezk.ZkCoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** Two controllers on one ZooKeeper: one leader runs the leader work; when it dies the other takes over. */
class ControllerFailoverTest {
    static void await(BooleanSupplier c, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(25);
        }
    }

    static final class RecordingService implements LeaderService {
        final String owner;
        final List<String> log;

        RecordingService(String owner, List<String> log) {
            this.owner = owner;
            this.log = log;
        }

        public String name() { return "recorder"; }

        public void start(long epoch) { log.add(owner + ":start:" + epoch); }

        public void stop() { log.add(owner + ":stop"); }
    }

    /** A subsystem whose only part is a leader service that records its starts and stops. */
    static Subsystem recording(String owner, List<String> log) {
        return new Subsystem() {
            @Override
            public String name() { return "recording"; }

            @Override
            public void routes(dev.cairn.controller.http.Router router) {}

            @Override
            public List<LeaderService> leaderServices() { return List.of(new RecordingService(owner, log)); }
        };
    }

    @Test
    void leaderDiesAndTheOtherTakesOverWithAHigherEpoch() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            List<String> log = new CopyOnWriteArrayList<>();
            ZkCoordinationStore storeA = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
            ZkCoordinationStore storeB = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
            Controller a = new Controller(ControllerConfig.defaults("a", 0), storeA, Clock.systemUTC());
            a.install(recording("a", log));
            a.start();
            await(a::isLeader, Duration.ofSeconds(10), "a to lead");
            Controller b = new Controller(ControllerConfig.defaults("b", 0), storeB, Clock.systemUTC());
            b.install(recording("b", log));
            b.start();
            try {
                Thread.sleep(500);
                assertFalse(b.isLeader(), "only one leader");
                assertEquals(List.of("a:start:" + a.epoch()), log);
                long epochA = a.epoch();

                // both serve the API and agree on the leader
                var status = new ApiClient(b.url()).get("/api/v1/status");
                assertEquals("a", status.path("leader").asText());
                assertEquals(List.of("a", "b"), List.of(status.path("controllers").get(0).asText(), status.path("controllers").get(1).asText()));

                // a's store session dies (as when its process is killed)
                storeA.close();
                await(b::isLeader, Duration.ofSeconds(20), "b to take over");
                assertTrue(b.epoch() > epochA, "epoch grows");
                assertTrue(log.contains("a:stop"), "a stopped its leader work: " + log);
                assertTrue(log.contains("b:start:" + b.epoch()), log.toString());
                assertTrue(log.indexOf("a:stop") < log.indexOf("b:start:" + b.epoch()) || log.indexOf("a:stop") >= 0);
            } finally {
                b.close();
                a.close();
                storeB.close();
            }
        }
    }

    @Test
    void leaderWorkStopsWhenTheStoreConnectionIsSuspended() throws Exception {
        TestingServer zk = new TestingServer(true);
        List<String> log = new CopyOnWriteArrayList<>();
        ZkCoordinationStore store = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(30), Duration.ofSeconds(10));
        Controller a = new Controller(ControllerConfig.defaults("a", 0), store, Clock.systemUTC());
        a.install(recording("a", log));
        a.start();
        try {
            await(a::isLeader, Duration.ofSeconds(10), "a to lead");
            zk.stop(); // the whole ensemble goes away: connection SUSPENDED long before the session could expire
            await(() -> log.contains("a:stop"), Duration.ofSeconds(20), "leader work to stop on SUSPENDED");
            assertFalse(a.isLeader());
            zk.restart();
            await(a::isLeader, Duration.ofSeconds(30), "a to lead again after RECONNECTED");
            await(() -> log.stream().filter(s -> s.startsWith("a:start")).count() == 2, Duration.ofSeconds(10), "leader work to restart");
        } finally {
            a.close();
            store.close();
            zk.close();
        }
    }
}
