package dev.cairn.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.store.InMemoryCoordinationStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpApiTest {
    Controller c;
    ApiClient api;

    @BeforeEach
    void start() {
        c = new Controller(ControllerConfig.defaults("t", 0), new InMemoryCoordinationStore(), Clock.systemUTC()).start();
        api = new ApiClient(c.url());
    }

    @AfterEach
    void stop() {
        c.close();
    }

    @Test
    void healthAndMetrics() throws Exception {
        assertEquals("ok", api.get("/healthz").path("status").asText());
        HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, m.statusCode());
        assertTrue(m.body().contains("cairn_controller_leader"), m.body());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    }

    @Test
    void errorsAreJsonWithCodeMessageHint() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.url() + "/api/v1/nodes/ghost")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("\"code\":\"NOT_FOUND\""), r.body());
        assertTrue(r.body().contains("\"hint\""), r.body());
        CairnException e = assertThrows(CairnException.class, () -> api.post("/api/v1/nodes", Map.of("name", "bad name!")));
        assertEquals(ErrorCode.INVALID_NAME, e.code());
        CairnException bad = assertThrows(CairnException.class, () -> api.post("/api/v1/nodes/x/heartbeat", null));
        assertEquals(ErrorCode.NOT_FOUND, bad.code());
    }

    @Test
    void registerHeartbeatListStandby() {
        api.post("/api/v1/nodes", Map.of("name", "n1", "labels", Map.of("zone", "a")));
        var nodes = api.get("/api/v1/nodes").path("nodes");
        assertEquals(1, nodes.size());
        assertEquals("n1", nodes.get(0).path("name").asText());
        assertEquals("up", nodes.get(0).path("state").asText());
        assertEquals("a", nodes.get(0).path("labels").path("zone").asText());
        assertTrue(nodes.get(0).hasNonNull("lastHeartbeat"));
        api.post("/api/v1/nodes/n1/standby", null);
        assertTrue(api.get("/api/v1/nodes/n1").path("standby").asBoolean());
        api.post("/api/v1/nodes/n1/online", null);
        assertEquals(false, api.get("/api/v1/nodes/n1").path("standby").asBoolean());
    }

    @Test
    void portInUseIsAClearError() {
        CairnException e = assertThrows(CairnException.class,
                () -> new Controller(ControllerConfig.defaults("u", c.port()), new InMemoryCoordinationStore(), Clock.systemUTC()).start());
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }
}
