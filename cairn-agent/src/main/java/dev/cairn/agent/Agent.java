package dev.cairn.agent;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import dev.cairn.core.api.ApiClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node agent. It speaks only HTTP to a controller: it registers, then heartbeats on a virtual
 * thread; when the controller is unreachable it keeps trying (with backoff, capped at the
 * heartbeat timeout) and registers again when the controller no longer knows it.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final String name;
    private final Map<String, String> labels;
    private final ApiClient client;
    private final Duration interval;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong heartbeats = new AtomicLong();
    private volatile boolean registered;
    private Thread loop;

    public Agent(String controllerUrl, String name, Map<String, String> labels, Duration interval) {
        this.name = Names.requireNode(name);
        this.labels = Map.copyOf(labels);
        this.client = new ApiClient(controllerUrl, Duration.ofSeconds(5));
        this.interval = interval;
    }

    public Agent(String controllerUrl, String name, Map<String, String> labels) {
        this(controllerUrl, name, labels, Duration.ofMillis(500));
    }

    public String name() { return name; }

    public long heartbeatsSent() { return heartbeats.get(); }

    public boolean registered() { return registered; }

    /** Registers once (failing loudly if the controller cannot be reached), then heartbeats in the background. */
    public Agent start() {
        register();
        running.set(true);
        loop = Thread.ofVirtual().name("agent-" + name).start(this::run);
        return this;
    }

    /** Starts heartbeating without requiring the controller to be reachable now. */
    public Agent startLenient() {
        running.set(true);
        loop = Thread.ofVirtual().name("agent-" + name).start(this::run);
        return this;
    }

    private void register() {
        client.post("/api/v1/nodes", Map.of("name", name, "labels", labels));
        registered = true;
    }

    private void run() {
        long backoff = interval.toMillis();
        while (running.get()) {
            try {
                if (!registered) register();
                client.post("/api/v1/nodes/" + name + "/heartbeat", null);
                heartbeats.incrementAndGet();
                backoff = interval.toMillis();
                sleep(interval.toMillis());
            } catch (CairnException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    registered = false;
                } else if (running.get()) {
                    LOG.debug("agent {}: {}", name, e.getMessage());
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2_000);
            } catch (RuntimeException e) {
                LOG.warn("agent {}: unexpected error", name, e);
                sleep(backoff);
            }
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

    @Override
    public void close() {
        running.set(false);
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
