package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.core.api.ApiClient;
import dev.cairn.storezk.ZkCoordinationStore;
import dev.cairn.testkit.Await;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Two controllers on one ZooKeeper. Events are appended through both; the leader dies; more are
 * appended through the survivor. A stream on the survivor sees every event once, in seq order; a
 * stream on the dead controller drops and resumes on the survivor with Last-Event-ID, with no gap
 * and no repeat.
 */
class EventFailoverTest {
    static Controller controller(String id, ZkCoordinationStore store) {
        EventOptions d = EventOptions.defaults();
        Controller c = new Controller(ControllerConfig.defaults(id, 0).withEvents(new EventOptions(d.retention(), d.trimInterval(), d.file(),
                d.fsync(), d.syslog(), Duration.ofMillis(300))), store, Clock.systemUTC());
        return c.start();
    }

    static long post(ApiClient api, int n) {
        return api.post("/api/v1/events", Map.of("type", "external.test.step", "subject", "step-" + n, "message", "step " + n))
                .path("seq").asLong();
    }

    /** Reads frames until {@code count} were read or the stream ends (null/IO error). */
    static CompletableFuture<List<Long>> collect(SseClient s, int count) {
        return CompletableFuture.supplyAsync(() -> {
            List<Long> ids = new ArrayList<>();
            try {
                SseClient.Frame f;
                while (ids.size() < count && (f = s.next()) != null) ids.add(f.id());
            } catch (IOException e) {
                // dropped: return what arrived
            }
            return ids;
        });
    }

    @Test
    void orderingAndResumeAcrossAControllerFailover() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            ZkCoordinationStore storeA = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
            ZkCoordinationStore storeB = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
            Controller a = controller("a", storeA);
            Await.until("a to lead", Duration.ofSeconds(20), a::isLeader);
            Controller b = controller("b", storeB);
            ApiClient apiA = new ApiClient(a.url());
            ApiClient apiB = new ApiClient(b.url());
            List<Long> appended = new ArrayList<>();
            try (SseClient onB = SseClient.open(b.url() + "/api/v1/events/stream?since=0", null);
                 SseClient onA = SseClient.open(a.url() + "/api/v1/events/stream?since=0", null)) {
                CompletableFuture<List<Long>> seenOnB = collect(onB, 80);
                CompletableFuture<List<Long>> seenOnA = collect(onA, Integer.MAX_VALUE);
                for (int i = 0; i < 40; i++) appended.add(post(i % 2 == 0 ? apiA : apiB, i));

                // the leader dies: its store session and its HTTP server go away
                assertTrue(a.isLeader());
                storeA.close();
                a.close();
                Await.until("b to take over", Duration.ofSeconds(30), b::isLeader);
                for (int i = 40; i < 80; i++) appended.add(post(apiB, i));

                List<Long> onBIds = seenOnB.get();
                assertEquals(appended.stream().sorted().toList(), onBIds, "the survivor's stream: every event once, in seq order");
                for (int i = 1; i < onBIds.size(); i++) assertTrue(onBIds.get(i) > onBIds.get(i - 1));

                // the dead controller's stream dropped somewhere; resume on b from its last id
                List<Long> beforeDrop = seenOnA.get();
                assertFalse(beforeDrop.isEmpty(), "a streamed something before it died");
                long last = beforeDrop.get(beforeDrop.size() - 1);
                List<Long> resumed = new ArrayList<>(beforeDrop);
                try (SseClient again = SseClient.open(b.url() + "/api/v1/events/stream", Long.toString(last))) {
                    while (resumed.size() < appended.size()) {
                        SseClient.Frame f = again.next();
                        assertNotNull(f, "stream ended early");
                        resumed.add(f.id());
                    }
                }
                assertEquals(onBIds, resumed, "resumed stream: no gap, no repeat");
                // a paged query agrees
                assertEquals(80, apiB.get("/api/v1/events?since=0&limit=1000").path("events").size());
            } finally {
                b.close();
                storeB.close();
            }
        }
    }

    @Test
    void retentionIsEnforcedByWhicheverControllerLeads() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            EventOptions d = EventOptions.defaults();
            EventOptions keep20 = new EventOptions(new RetentionPolicy(20, Duration.ofDays(1)), Duration.ofMillis(100), d.file(), d.fsync(),
                    d.syslog(), Duration.ofMillis(300));
            ZkCoordinationStore storeA = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
            ZkCoordinationStore storeB = ZkCoordinationStore.connect(zk.getConnectString(), Duration.ofSeconds(4), Duration.ofSeconds(10));
            Controller a = new Controller(ControllerConfig.defaults("a", 0).withEvents(keep20), storeA, Clock.systemUTC());
            a.start();
            Await.until("a to lead", Duration.ofSeconds(20), a::isLeader);
            Controller b = new Controller(ControllerConfig.defaults("b", 0).withEvents(keep20), storeB, Clock.systemUTC());
            EventsSubsystem eventsB = b.eventsSubsystem();
            b.start();
            try {
                ApiClient apiB = new ApiClient(b.url());
                for (int i = 0; i < 50; i++) post(apiB, i);
                Await.until("a to trim to 20", Duration.ofSeconds(30), () -> storeB.children(dev.cairn.core.events.EventCodec.EVENTS).size() == 20);
                long headBefore = eventsB.log().headSeq();

                storeA.close();
                a.close();
                Await.until("b to take over", Duration.ofSeconds(30), b::isLeader);
                for (int i = 50; i < 80; i++) post(apiB, i);
                Await.until("b to trim to 20", Duration.ofSeconds(30),
                        () -> eventsB.log().after(dev.cairn.core.events.EventFilter.ALL, 0, 1000).events().size() == 20
                                && eventsB.log().headSeq() > headBefore + 29);
                List<dev.cairn.core.events.Event> kept = eventsB.log().after(dev.cairn.core.events.EventFilter.ALL, 0, 1000).events();
                assertEquals(20, kept.size());
                for (int i = 0; i < kept.size(); i++) assertEquals("step-" + (60 + i), kept.get(i).subject(), "the newest 20 remain, in order");
                for (int i = 1; i < kept.size(); i++) assertTrue(kept.get(i).seq() > kept.get(i - 1).seq());
            } finally {
                b.close();
                storeB.close();
            }
        }
    }
}
