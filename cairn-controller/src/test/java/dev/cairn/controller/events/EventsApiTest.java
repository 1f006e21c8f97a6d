package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.Controller;
import dev.cairn.controller.ControllerConfig;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsApiTest {
    InMemoryCoordinationStore store;
    Controller c;
    EventsSubsystem events;
    EventLog log;
    ApiClient api;

    @BeforeEach
    void start() {
        store = new InMemoryCoordinationStore();
        EventOptions o = EventOptions.defaults();
        c = new Controller(ControllerConfig.defaults("t", 0).withEvents(new EventOptions(o.retention(), o.trimInterval(), o.file(), o.fsync(),
                o.syslog(), Duration.ofMillis(200))), store, Clock.systemUTC());
        events = c.eventsSubsystem();
        log = events.log();
        c.start();
        api = new ApiClient(c.url());
    }

    @AfterEach
    void stop() {
        c.close();
        store.close();
    }

    static List<Long> seqs(JsonNode body) {
        List<Long> out = new ArrayList<>();
        body.path("events").forEach(e -> out.add(e.path("seq").asLong()));
        return out;
    }

    @Test
    void queryByTypePrefixSubjectSinceAndLimit() {
        log.append(EventDraft.of("node.up", "node-1", "up"));
        log.append(EventDraft.of("package.install.queued", "spark@1", "queued"));
        log.append(EventDraft.of("package.install.failed", "spark@1", "failed").with("error", "boom"));
        log.append(EventDraft.of("node.down", "node-1", "down"));

        JsonNode all = api.get("/api/v1/events");
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(all));
        assertEquals(4, all.path("next").asLong());
        JsonNode first = all.path("events").get(2);
        assertEquals("package.install.failed", first.path("type").asText());
        assertEquals("spark@1", first.path("subject").asText());
        assertEquals("boom", first.path("data").path("error").asText());
        assertTrue(first.path("time").asText().endsWith("Z"));

        assertEquals(List.of(2L, 3L), seqs(api.get("/api/v1/events?type=package")));
        assertEquals(List.of(2L, 3L), seqs(api.get("/api/v1/events?type=package.*")));
        assertEquals(List.of(3L), seqs(api.get("/api/v1/events?type=package.install.failed")));
        assertEquals(List.of(1L, 4L), seqs(api.get("/api/v1/events?subject=node-1")));
        assertEquals(List.of(4L), seqs(api.get("/api/v1/events?type=node&subject=node-1&since=1")));
        assertEquals(List.of(2L, 3L), seqs(api.get("/api/v1/events?since=1&limit=2")));
        assertEquals(List.of(3L, 4L), seqs(api.get("/api/v1/events?limit=2")), "without since: the newest");
        assertEquals(List.of(), seqs(api.get("/api/v1/events?since=4")));
    }

    String metrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    static double metric(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return Double.NaN;
    }

    @Test
    void metricsCountRecordedEventsByFamilyTrimsAndOpenStreams() throws Exception {
        log.append(EventDraft.of("node.up", "node-1", "up"));
        log.appendAll(List.of(EventDraft.of("package.install.queued", "a@1", "q"), EventDraft.of("package.install.queued", "b@1", "q")));
        // a refused transaction records nothing and counts nothing
        var refused = log.transact(List.of(dev.cairn.core.store.StoreOp.check(dev.cairn.core.store.StorePath.of("nowhere"), 0)),
                List.of(EventDraft.of("package.install.queued", "c@1", "q")));
        assertTrue(!refused.result().committed());
        System.gc(); // gauges hold their objects weakly: what they read must survive a collection
        String m = metrics();
        assertEquals(3.0, metric(m, "cairn_events_cached"), m);
        assertEquals(1.0, metric(m, "cairn_events_recorded_total{family=\"node\"}"), m);
        assertEquals(2.0, metric(m, "cairn_events_recorded_total{family=\"package\"}"), m);
        assertEquals(0.0, metric(m, "cairn_events_trimmed_total"), m);

        assertEquals(2, ((StoreEventLog) log).trim(new RetentionPolicy(1, Duration.ofDays(7)), java.time.Instant.now()));
        assertEquals(2.0, metric(metrics(), "cairn_events_trimmed_total"));

        try (SseClient s = SseClient.open(c.url() + "/api/v1/events/stream?since=0", null)) {
            assertNotNull(s.next());
            assertEquals(1.0, metric(metrics(), "cairn_events_streams"));
        }
        Await.until("a closed stream to be no longer counted", Duration.ofSeconds(10), () -> metric(metrics(), "cairn_events_streams") == 0.0);
    }

    @Test
    void theConsolePageShowsEventsFromTheQueriesItMakes() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.url() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<h2>Events</h2>"), "the console has an events panel");
        // the two reads the page makes answer with the fields it uses
        for (int i = 0; i < 60; i++) log.append(EventDraft.of("node.up", "node-" + i, "up"));
        JsonNode first = api.get("/api/v1/events?limit=50");
        assertEquals(50, first.path("events").size());
        assertEquals(60, first.path("next").asLong());
        log.append(EventDraft.of("node.down", "node-1", "down"));
        JsonNode more = api.get("/api/v1/events?limit=500&since=" + first.path("next").asLong());
        assertEquals(List.of(61L), seqs(more));
        for (String used : List.of("/api/v1/events?limit=50", "/api/v1/events?limit=500&since=", "page.next", "e.seq", "e.type", "e.subject", "e.message")) {
            assertTrue(page.body().contains(used), "the page uses " + used);
        }
    }

    @Test
    void badQueriesAreClearErrors() {
        for (String q : List.of("limit=0", "limit=1001", "limit=x", "since=-1", "since=abc", "type=Node", "type=a..b")) {
            CairnException e = assertThrows(CairnException.class, () -> api.get("/api/v1/events?" + q), q);
            assertEquals(ErrorCode.INVALID_INPUT, e.code(), q);
            assertNotNull(e.hint(), q);
        }
    }

    @Test
    void outsideSoftwareLogsExternalEvents() {
        JsonNode created = api.post("/api/v1/events", Map.of("type", "external.billing.invoice-sent", "subject", "customer-7",
                "message", "invoice 123 sent", "data", Map.of("amount", 12)));
        assertEquals(1, created.path("seq").asLong());
        assertEquals("external.billing.invoice-sent", created.path("type").asText());
        JsonNode got = api.get("/api/v1/events?type=external");
        assertEquals(List.of(1L), seqs(got));
        assertEquals(12, got.path("events").get(0).path("data").path("amount").asInt());
        assertEquals(List.of(), seqs(api.get("/api/v1/events?type=external.billing.invoice")));
    }

    @Test
    void postedEventsAreValidated() throws Exception {
        record Case(String body, ErrorCode code, String inMessage) {}
        List<Case> cases = List.of(
                new Case("{\"type\":\"node.down\",\"subject\":\"n\",\"message\":\"m\"}", ErrorCode.INVALID_INPUT, "external."),
                new Case("{\"type\":\"external\",\"subject\":\"n\",\"message\":\"m\"}", ErrorCode.INVALID_INPUT, "external"),
                new Case("{\"type\":\"external.X\",\"subject\":\"n\",\"message\":\"m\"}", ErrorCode.INVALID_INPUT, "dotted name"),
                new Case("{\"subject\":\"n\",\"message\":\"m\"}", ErrorCode.INVALID_INPUT, "type is missing"),
                new Case("{\"type\":\"external.a\",\"message\":\"m\"}", ErrorCode.INVALID_INPUT, "subject is missing"),
                new Case("{\"type\":\"external.a\",\"subject\":\"n\"}", ErrorCode.INVALID_INPUT, "message is missing"),
                new Case("{\"type\":\"external.a\",\"subject\":\"n\",\"message\":\"m\",\"seq\":5}", ErrorCode.INVALID_INPUT, "unknown event field 'seq'"),
                new Case("{\"type\":\"external.a\",\"subject\":\"n\",\"message\":\"m\",\"data\":[1]}", ErrorCode.INVALID_INPUT, "data must be a JSON object"),
                new Case("{\"type\":\"external.a\",\"subject\":7,\"message\":\"m\"}", ErrorCode.INVALID_INPUT, "subject must be a string"),
                new Case("[1,2]", ErrorCode.INVALID_INPUT, "JSON object"),
                new Case("{\"type\":", ErrorCode.INVALID_INPUT, "malformed JSON"),
                new Case("", ErrorCode.INVALID_INPUT, "empty"),
                new Case("{\"type\":\"external.a\",\"subject\":\"n\",\"message\":\"" + "x".repeat(1001) + "\"}", ErrorCode.TOO_LARGE, "1001 characters"),
                new Case("{\"type\":\"external.a\",\"subject\":\"n\",\"message\":\"m\",\"data\":{\"x\":\"" + "y".repeat(5000) + "\"}}",
                        ErrorCode.TOO_LARGE, "bytes"),
                new Case("{\"type\":\"external.a\",\"subject\":\"n\",\"message\":\"" + "x".repeat(20_000) + "\"}", ErrorCode.TOO_LARGE, "larger than"));
        HttpClient http = HttpClient.newHttpClient();
        for (Case k : cases) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.url() + "/api/v1/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(k.body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String label = k.body.length() > 80 ? k.body.substring(0, 80) : k.body;
            assertEquals(k.code.httpStatus(), r.statusCode(), label + " → " + r.body());
            JsonNode err = Json.tree(r.body().getBytes());
            assertEquals(k.code.name(), err.path("code").asText(), label);
            assertTrue(err.path("message").asText().contains(k.inMessage), label + " → " + err);
            assertTrue(err.path("hint").isTextual() || k.code == ErrorCode.TOO_LARGE, label + " has a hint: " + err);
        }
        assertEquals(0, log.headSeq(), "nothing was written");
    }

    @Test
    void streamSendsTheBacklogThenLiveEventsAndResumesWithLastEventId() throws Exception {
        for (int i = 1; i <= 3; i++) log.append(EventDraft.of("node.up", "node-" + i, "up"));
        List<Long> got = new ArrayList<>();
        try (SseClient s = SseClient.open(c.url() + "/api/v1/events/stream?since=0", null)) {
            assertEquals(200, s.status);
            assertTrue(s.contentType.startsWith("text/event-stream"), s.contentType);
            for (int i = 0; i < 3; i++) got.add(s.next().id());
            log.append(EventDraft.of("node.down", "node-2", "down"));
            SseClient.Frame live = s.next();
            assertEquals(4, live.id());
            assertEquals("node.down", live.event());
            assertEquals("node-2", Json.tree(live.data().getBytes()).path("subject").asText());
            got.add(live.id());
            s.awaitComment("keepalive"); // idle: the heartbeat comment keeps the connection alive
        } // the connection drops here
        for (int i = 5; i <= 9; i++) log.append(EventDraft.of("package.install.queued", "p" + i, "queued"));
        try (SseClient s = SseClient.open(c.url() + "/api/v1/events/stream?since=0", "4")) {
            for (int i = 0; i < 5; i++) got.add(s.next().id());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), got, "no gap, no repeat across the reconnect");
    }

    @Test
    void streamFiltersAndStartsAtTheHeadWithoutSince() throws Exception {
        log.append(EventDraft.of("node.up", "node-1", "old"));
        try (SseClient s = SseClient.open(c.url() + "/api/v1/events/stream?type=package", null)) {
            s.awaitComment("cairn events after 1");
            log.append(EventDraft.of("node.down", "node-1", "not a package event"));
            log.append(EventDraft.of("package.install.queued", "spark@1", "queued"));
            SseClient.Frame f = s.next();
            assertEquals(3, f.id());
            assertEquals("package.install.queued", f.event());
        }
        CairnException e = assertThrows(CairnException.class, () -> api.stream("/api/v1/events/stream?since=x", "text/event-stream"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
    }
}
