package dev.cairn.controller.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.store.InMemoryCoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkChannelTest {
    private InMemoryCoordinationStore store;
    private Controller controller;
    private WorkQueue queue;
    private ApiClient api;

    @BeforeEach
    void start() {
        store = new InMemoryCoordinationStore();
        controller = new Controller(new ControllerConfig("c1", "127.0.0.1", 0, Duration.ofSeconds(2)), store, Clock.systemUTC());
        queue = controller.work().queue();
        controller.start();
        api = new ApiClient(controller.url(), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        controller.close();
        store.close();
    }

    @Test
    void aLongPollIsWokenByNewWorkAndAResultRemovesTheItem() throws Exception {
        queue.publishEpoch(3);
        CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> api.get("/api/v1/nodes/n1/work?wait=20s"));
        // without work queued the inbox would answer at once, from memory: 300 ms is ample to see it wait
        Thread.sleep(300);
        assertFalse(poll.isDone(), "waits while there is no work");
        WorkItem w = queue.submit("n1", "test.echo", 3, Map.of("x", 1));
        JsonNode r = poll.get(10, TimeUnit.SECONDS);
        assertEquals(3, r.path("epoch").asLong());
        assertEquals(1, r.path("items").size());
        JsonNode item = r.path("items").get(0);
        assertEquals(w.id(), item.path("id").asText());
        assertEquals("test.echo", item.path("kind").asText());
        assertEquals(1, item.path("payload").path("x").asInt());

        JsonNode ack = api.post("/api/v1/nodes/n1/work/" + w.id(), Map.of("ok", true, "echo", 1));
        assertTrue(ack.path("removed").asBoolean());
        assertTrue(queue.pending("n1").isEmpty());
        var stored = store.get(WorkQueue.RESULTS.child("n1").child(w.id())).orElseThrow();
        WorkResult res = WorkQueue.decodeResult("n1", w.id(), stored.value());
        assertTrue(res.ok());
        assertEquals("test.echo", res.kind());
        // a repeated acknowledgement (the answer was lost) is harmless
        assertFalse(api.post("/api/v1/nodes/n1/work/" + w.id(), Map.of("ok", true)).path("removed").asBoolean());
        assertEquals(0, api.get("/api/v1/nodes/n1/work?wait=0s").path("items").size());
        CairnException bad = assertThrows(CairnException.class, () -> api.post("/api/v1/nodes/n1/work/nope", Map.of()));
        assertEquals(ErrorCode.BAD_REQUEST, bad.code());
    }

    @Test
    void theEpochOnlyRisesAndItemsComeInOrder() {
        queue.publishEpoch(5);
        queue.publishEpoch(4);
        assertEquals(5, queue.publishedEpoch());
        WorkItem a = queue.submit("n2", "k", 5, Map.of());
        WorkItem b = queue.submit("n2", "k", 5, Map.of());
        assertEquals(java.util.List.of(a.id(), b.id()), queue.pending("n2").stream().map(WorkItem::id).toList());
        assertTrue(queue.cancel("n2", a.id()));
        assertEquals(1, queue.pending("n2").size());
        assertEquals("{}", Json.string(b.payload()));
    }

    @Test
    void aWholePollIsAcknowledgedInOneRequest() throws Exception {
        queue.publishEpoch(2);
        WorkItem a = queue.submit("n3", "test.echo", 2, Map.of("x", 1));
        WorkItem b = queue.submit("n3", "test.echo", 2, Map.of("x", 2));
        JsonNode polled = api.get("/api/v1/nodes/n3/work?wait=5s");
        assertEquals(2, polled.path("items").size(), "the poll answers from the inbox's copy: " + polled);
        JsonNode ack = api.post("/api/v1/nodes/n3/work", Map.of("results", Map.of(
                a.id(), Map.of("ok", true, "n", 1), b.id(), Map.of("ok", false, "error", "boom"))));
        assertEquals(2, ack.path("removed").asInt(), ack.toString());
        assertTrue(queue.pending("n3").isEmpty());
        WorkResult ra = WorkQueue.decodeResult("n3", a.id(), store.get(WorkQueue.RESULTS.child("n3").child(a.id())).orElseThrow().value());
        WorkResult rb = WorkQueue.decodeResult("n3", b.id(), store.get(WorkQueue.RESULTS.child("n3").child(b.id())).orElseThrow().value());
        assertTrue(ra.ok());
        assertEquals(1, ra.payload().path("x").asInt(), "the result carries the item it answers");
        assertFalse(rb.ok());
        assertEquals("boom", rb.result().path("error").asText());
        // again (the answer was lost): nothing left to remove, no error
        assertEquals(0, api.post("/api/v1/nodes/n3/work", Map.of("results", Map.of(a.id(), Map.of("ok", true)))).path("removed").asInt());
        CairnException bad = assertThrows(CairnException.class, () -> api.post("/api/v1/nodes/n3/work", Map.of("results", java.util.List.of())));
        assertEquals(ErrorCode.BAD_REQUEST, bad.code());
        assertTrue(bad.getMessage().contains("results"), bad.getMessage());
    }

    @Test
    void aRequestWaitsForTheAgentsAnswerAndTakesIt() throws Exception {
        CompletableFuture<Optional<WorkResult>> asked = CompletableFuture.supplyAsync(() -> {
            try {
                return controller.work().request("n4", "test.echo", -1, Map.of("x", 7), Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // the agent takes the item from its long poll and answers it
        JsonNode polled = api.get("/api/v1/nodes/n4/work?wait=10s");
        assertEquals(1, polled.path("items").size(), polled.toString());
        String id = polled.path("items").get(0).path("id").asText();
        assertEquals(7, polled.path("items").get(0).path("payload").path("x").asInt());
        api.post("/api/v1/nodes/n4/work/" + id, Map.of("ok", true, "echo", 7));
        WorkResult r = asked.get(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(id, r.id());
        assertEquals(7, r.result().path("echo").asInt());
        assertEquals(List.of(), queue.results("n4"), "the asker took the result");
    }

    @Test
    void aResultThatIsThereAlreadyIsFoundAtOnceAndARequestNobodyAnswersIsWithdrawn() throws Exception {
        WorkItem w = queue.submit("n5", "test.echo", -1, Map.of());
        queue.complete("n5", w.id(), Json.MAPPER.createObjectNode().put("ok", true));
        assertTrue(queue.awaitResult("n5", w.id(), Duration.ZERO).orElseThrow().ok(), "a result written before the wait began");

        Optional<WorkResult> none = controller.work().request("n6", "test.echo", -1, Map.of(), Duration.ofMillis(200));
        assertTrue(none.isEmpty());
        assertEquals(List.of(), queue.pending("n6"), "the unanswered item was withdrawn");
    }
}
