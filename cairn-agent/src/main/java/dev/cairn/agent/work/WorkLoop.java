package dev.cairn.agent.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls the controller for this node's work, refuses work from a stale leader epoch, runs each
 * item with the handler for its kind and reports the result (which removes the item). Results of
 * recent items are remembered, so an item delivered again after a lost answer is answered again
 * without running twice.
 */
public final class WorkLoop {
    private static final Logger LOG = LoggerFactory.getLogger(WorkLoop.class);
    static final Duration WAIT = Duration.ofSeconds(25);

    private final String node;
    private final ApiClient client;
    private final EpochGuard epochs;
    private final Map<String, WorkHandler> handlers = new ConcurrentHashMap<>();
    private final Runnable beforeResult;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Map<String, JsonNode> done = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonNode> e) {
            return size() > 512;
        }
    };
    private Thread thread;

    public WorkLoop(String node, ApiClient client, EpochGuard epochs, Runnable beforeResult) {
        this.node = node;
        this.client = client;
        this.epochs = epochs;
        this.beforeResult = beforeResult;
    }

    private final java.util.Set<String> readOnly = ConcurrentHashMap.newKeySet();

    public void handle(String kind, WorkHandler h) { handlers.put(kind, h); }

    /** A handler for work that changes nothing (reading logs): any controller may send it, with no epoch. */
    public void handleReadOnly(String kind, WorkHandler h) {
        handlers.put(kind, h);
        readOnly.add(kind);
    }

    public EpochGuard epochs() { return epochs; }

    public void start() {
        running.set(true);
        thread = Thread.ofVirtual().name("work-" + node).start(this::run);
    }

    private void run() {
        long backoff = 200;
        while (running.get()) {
            try {
                JsonNode r = client.get("/api/v1/nodes/" + node + "/work?wait=" + WAIT.toSeconds() + "s", WAIT.plusSeconds(10));
                backoff = 200;
                long published = r.path("epoch").asLong(-1);
                if (published >= 0) epochs.admit(published); // learn the current leader's epoch before running anything
                List<AgentWork> batch = new ArrayList<>();
                for (JsonNode item : r.path("items")) batch.add(Json.MAPPER.treeToValue(item, AgentWork.class));
                if (!batch.isEmpty() && running.get()) process(batch);
            } catch (CairnException e) {
                if (!running.get()) return;
                LOG.debug("work poll for {}: {}", node, e.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2_000);
            } catch (Exception e) {
                if (!running.get()) return;
                LOG.warn("work loop for {}: unexpected error", node, e);
                sleep(1_000);
            }
        }
    }

    /**
     * Runs (or refuses) a batch of items, reports the services once, then acknowledges them all in
     * one request: the controller sees the effect of the work before the acknowledgement.
     */
    void process(List<AgentWork> batch) {
        Map<AgentWork, JsonNode> results = new LinkedHashMap<>();
        for (AgentWork w : batch) {
            if (!running.get()) return;
            JsonNode result;
            synchronized (done) {
                result = done.get(w.id());
            }
            if (result == null) {
                result = execute(w);
                synchronized (done) {
                    done.put(w.id(), result);
                }
            }
            results.put(w, result);
        }
        if (beforeResult != null) beforeResult.run();
        if (results.size() == 1) {
            var e = results.entrySet().iterator().next();
            client.post("/api/v1/nodes/" + node + "/work/" + e.getKey().id(), e.getValue());
            return;
        }
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (var e : results.entrySet()) byId.put(e.getKey().id(), e.getValue());
        client.post("/api/v1/nodes/" + node + "/work", Map.of("results", byId)); // one transaction for the whole poll
    }

    JsonNode execute(AgentWork w) {
        ObjectNode res = Json.MAPPER.createObjectNode();
        if (!readOnly.contains(w.kind()) && !epochs.admit(w.epoch())) {
            LOG.warn("{}: refusing {} {} from stale epoch {} (highest seen {})", node, w.kind(), w.id(), w.epoch(), epochs.highest());
            res.put("ok", false).put("refused", "stale epoch " + w.epoch() + " < " + epochs.highest());
            return res;
        }
        WorkHandler h = handlers.get(w.kind());
        if (h == null) {
            res.put("ok", false).put("refused", "this agent does not know work of kind '" + w.kind() + "'");
            return res;
        }
        try {
            JsonNode out = h.handle(w);
            return out == null ? res.put("ok", true) : out;
        } catch (Exception e) {
            LOG.info("{}: {} {} failed: {}", node, w.kind(), w.id(), e.getMessage());
            return res.put("ok", false).put("error", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    public void close() {
        running.set(false);
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
